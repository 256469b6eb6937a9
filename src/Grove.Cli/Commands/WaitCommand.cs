using Grove.Contracts;
using System.CommandLine;
using Grove.Processes;
using Grove.Supervision;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary>
/// <c>grove wait [worktree] [--timeout s]</c>: exits 0 once the app is healthy; otherwise exits 1
/// with its state and the last lines of its log. Agents call it before end-to-end checks.
/// </summary>
internal static class WaitCommand
{
    private const int LogLinesShown = 20;

    public static Command Create()
    {
        var target = new Argument<string?>("worktree") { Description = "Slug, branch or folder; default: the current worktree", Arity = ArgumentArity.ZeroOrOne };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait (default 120)", DefaultValueFactory = _ => 120 };
        var command = new Command("wait", "Wait until a worktree's app is healthy (exit 0), or report why not (exit 1)") { target, timeout };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is <= 0 or > 86400)
            {
                throw new GroveException($"--timeout {seconds} is out of range", "pass a number of seconds from 1 to 86400");
            }

            var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds);
            var shown = new WaitProgress(Console.Error);
            WorktreeSnapshot worktree;
            bool supervised;
            while (true)
            {
                var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
                worktree = context.Resolve(snapshot, parse.GetValue(target));
                supervised = context.Runs.LiveSupervisor() is not null;
                if (supervised && worktree.State == WorktreeState.Running)
                {
                    Console.Out.WriteLine(worktree.Url);
                    return 0;
                }

                if (supervised && !worktree.IsSettled)
                {
                    shown.Show(worktree, DateTimeOffset.UtcNow);
                }

                if ((supervised && worktree.IsSettled) || DateTimeOffset.UtcNow >= deadline)
                {
                    break;
                }

                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }

            var error = Console.Error;
            if (supervised && !worktree.IsSettled)
            {
                // The time ran out while the app is still on its way (a first build can take minutes):
                // nothing failed, so the fix is to wait longer, not to restart (which starts the build over).
                var step = worktree.Step is { } s ? $" ({(int)(DateTimeOffset.UtcNow - s.StartedAt).TotalSeconds} s so far)" : string.Empty;
                await error.WriteLineAsync($"grove: {worktree.Slug} is still {WorktreeStateNames.Of(worktree.State)}{step} after {seconds:0.#} s of waiting").ConfigureAwait(false);
                await error.WriteLineAsync($"  fix: wait longer, 'grove wait {worktree.Slug} --timeout {Math.Max(600, seconds * 2):0}' (the first build of a worktree can take minutes), or follow it with 'grove logs {worktree.Slug} -f'").ConfigureAwait(false);
                return CommandAction.Failed;
            }

            await error.WriteLineAsync(supervised
                ? $"grove: {worktree.Slug} is {WorktreeStateNames.Of(worktree.State)}{(worktree.StateReason is null ? string.Empty : $": {worktree.StateReason}")}"
                : worktree.State == WorktreeState.Orphaned
                    ? $"grove: no 'grove up' runs for this repository; {worktree.Slug} is orphaned: {worktree.StateReason}"
                    : $"grove: no 'grove up' runs for this repository, so {worktree.Slug} is not running").ConfigureAwait(false);
            await error.WriteLineAsync(supervised
                ? $"  fix: see the log below ('grove logs {worktree.Slug}' for all of it), then '{(worktree.State == WorktreeState.Stopped ? "grove start" : "grove restart")} {worktree.Slug}'"
                : "  fix: start it with 'grove up' (in another terminal or in the background)").ConfigureAwait(false);
            if (LogFiles.ExistingFor(context.Catalog.Store, worktree) is { } log)
            {
                foreach (var line in WorktreeLog.ReadLastLines(log, LogLinesShown))
                {
                    await error.WriteLineAsync($"  | {line}").ConfigureAwait(false);
                }
            }

            return CommandAction.Failed;
        });
        return command;
    }
}
