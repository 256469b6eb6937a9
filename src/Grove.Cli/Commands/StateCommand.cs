using System.CommandLine;

namespace Grove.Cli.Commands;

/// <summary><c>grove state path|reset</c>: find the state store, or set a damaged one aside.</summary>
internal static class StateCommand
{
    public static Command Create()
    {
        var path = new Command("path", "Print where the state store is");
        CommandAction.Set(path, (parse, context, cancellationToken) =>
        {
            Console.Out.WriteLine(context.Catalog.Store.Path);
            return Task.FromResult(0);
        });

        var reset = new Command("reset", "Move the state store aside (kept as a backup) so the next command starts a fresh one");
        CommandAction.Set(reset, (parse, context, cancellationToken) =>
        {
            var backup = context.Catalog.Store.MoveAside(DateTimeOffset.UtcNow);
            Console.Out.WriteLine(backup is null
                ? $"no state store at {context.Catalog.Store.Path}; nothing to do"
                : $"moved the state store to {backup}; the next grove command starts a fresh one");
            return Task.FromResult(0);
        });

        return new Command("state", "Inspect or reset Grove's state store") { path, reset };
    }
}
