using System.CommandLine;
using Grove.Hosting;

namespace Grove.Cli.Commands;

/// <summary><c>grove restart|stop|start|reinstall &lt;worktree&gt;</c>: steer one app of the running <c>grove up</c> or AppHost (the host forwards to its agent API).</summary>
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
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.Resolve(await host.SnapshotAsync(cancellationToken).ConfigureAwait(false), parse.GetValue(target));
            _ = WorktreeCommands.TryParse(verb, out var command); // the verbs above are all commands
            var result = (await host.ExecuteAsync(worktree.Path, command, waitForEffect: false, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            await Console.Out.WriteLineAsync(result.Message).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
