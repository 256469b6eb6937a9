using System.CommandLine;
using Grove.Cli.Output;

namespace Grove.Cli.Commands;

/// <summary><c>grove prune --merged [--dry-run]</c>: removes the worktrees whose pull request is merged or closed.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var merged = new Option<bool>("--merged") { Description = "Remove the worktrees whose GitHub pull request is merged or closed (required: it is the only kind of pruning)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be removed" };
        var command = new Command("prune", "Remove the worktrees whose pull request is merged or closed, with their databases and leases; the branches are kept") { merged, dryRun };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            if (!parse.GetValue(merged))
            {
                throw new GroveException("grove prune removes only worktrees whose pull request is merged or closed, and needs --merged to say so", "run 'grove prune --merged --dry-run' to see them, then 'grove prune --merged'");
            }

            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var result = await host.PruneMergedAsync(parse.GetValue(dryRun), StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
            if (result.Notice is { } notice)
            {
                await Console.Error.WriteLineAsync($"grove: warning: {notice}").ConfigureAwait(false);
            }

            foreach (var worktree in result.Removed)
            {
                Console.Out.WriteLine($"{(result.DryRun ? "would remove" : "removed")} {worktree.Slug} ({worktree.Path}): pull request #{worktree.PullRequest?.Number} {worktree.PullRequest?.State.ToString().ToLowerInvariant()}");
            }

            foreach (var skip in result.Skipped)
            {
                Console.Out.WriteLine($"kept {skip.Worktree.Slug} ({skip.Worktree.Path}): {skip.Reason}");
            }

            if (result.Removed.Count + result.Skipped.Count == 0)
            {
                Console.Out.WriteLine("no worktree has a merged or closed pull request");
            }

            return 0;
        });
        return command;
    }
}
