using System.CommandLine;

namespace Grove.Cli.Commands;

/// <summary><c>grove restart|stop|start|reinstall &lt;worktree&gt;</c>: steer one app of the running <c>grove up</c> through its agent API.</summary>
internal static class AppCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Create("restart", "Restart a worktree's app (stop it, then start it again)");
        yield return Create("stop", "Stop a worktree's app; it stays stopped until 'grove start'");
        yield return Create("start", "Start a worktree's app that was stopped or failed");
        yield return Create("reinstall", "Stop a worktree's app, install its dependencies afresh, and start it again");
    }

    private static Command Create(string verb, string description)
    {
        var target = new Argument<string?>("worktree") { Description = "Slug, branch or folder; default: the current worktree", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(verb, description) { target };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            using var up = RunningUp.Find(context.Catalog);
            var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.Resolve(snapshot, parse.GetValue(target));
            await Console.Out.WriteLineAsync(await up.PostAsync(worktree.Slug, verb, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
