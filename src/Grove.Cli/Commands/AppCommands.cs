using System.CommandLine;

namespace Grove.Cli.Commands;

/// <summary><c>grove restart|stop|start &lt;worktree&gt;</c>: steer one app of the running <c>grove up</c>.</summary>
internal static class AppCommands
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

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
            var runs = context.Catalog.Runs;
            if (runs.LiveSupervisor() is null)
            {
                throw new GroveException("no 'grove up' runs for this repository", "start it with 'grove up' (in another terminal or in the background)");
            }

            var snapshot = await context.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.Resolve(snapshot, parse.GetValue(target));
            var id = runs.Enqueue(worktree.Path, verb, DateTimeOffset.UtcNow);
            var deadline = DateTimeOffset.UtcNow + AnswerTimeout;
            while (DateTimeOffset.UtcNow < deadline)
            {
                var result = runs.Result(id);
                if (result is not null)
                {
                    var failed = result.StartsWith("error:", StringComparison.Ordinal);
                    await (failed ? Console.Error : Console.Out).WriteLineAsync(result).ConfigureAwait(false);
                    return failed ? CommandAction.Failed : 0;
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            runs.Complete(id, "error: given up by the command that asked for it", DateTimeOffset.UtcNow); // never carried out later
            throw new GroveException($"'grove up' did not take the {verb} request within {AnswerTimeout.TotalSeconds:0} s; it was withdrawn", "check that 'grove up' still runs and is not stuck; its terminal shows what it does");
        });
        return command;
    }
}
