using Grove.Hosting;
using Grove.Worktrees;

namespace Grove.GitHub;

/// <summary>
/// <c>grove prune --merged</c> and <c>github.pruneMerged</c>: removes every worktree whose pull
/// request is merged or closed, with its database and lease (<see cref="GroveHost.RemoveWorktreeAsync"/>;
/// the branch is kept), and skips, naming it, every one with uncommitted or untracked work, a
/// lock, or the primary. A dry run only lists them.
/// </summary>
internal static class MergedPrune
{
    public static async Task<PruneResult> RunAsync(GroveHost host, bool dryRun, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var board = await host.RefreshBoardAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new GroveException(
                "Grove does not know this repository's GitHub repository, so it cannot tell which pull requests are merged",
                "add the remote ('git remote add origin https://github.com/<owner>/<name>.git'), or set \"github\": { \"repository\": \"<owner>/<name>\" } in grove.json");
        var snapshot = PullRequestOverlay.Apply(await host.SnapshotAsync(cancellationToken).ConfigureAwait(false), board);
        List<WorktreeSnapshot> removed = [];
        List<PruneSkip> skipped = [];
        foreach (var worktree in snapshot.Worktrees.Where(w => w.PullRequest is { IsFinished: true }))
        {
            var pr = worktree.PullRequest!;
            var why = $"pull request #{pr.Number} is {pr.State.ToString().ToLowerInvariant()}";
            if (worktree.IsPrimary)
            {
                skipped.Add(new PruneSkip(worktree, $"{why}, but it is the primary worktree"));
                continue;
            }

            if (worktree.IsLocked)
            {
                skipped.Add(new PruneSkip(worktree, $"{why}, but it is locked{(worktree.LockReason is { } reason ? $" ({reason})" : string.Empty)}"));
                continue;
            }

            if (!worktree.IsPrunable)
            {
                var status = await host.Catalog.Git.TryRunAsync(worktree.Path, ["status", "--porcelain", "--untracked-files=normal"], cancellationToken).ConfigureAwait(false);
                if (!status.Succeeded || status.StandardOutput.Length > 0)
                {
                    skipped.Add(new PruneSkip(worktree, $"{why}, but it has uncommitted work ({CountLines(status.StandardOutput)} changed or untracked file(s))"));
                    continue;
                }
            }

            if (dryRun)
            {
                removed.Add(worktree);
                continue;
            }

            progress?.Report($"removing {worktree.Slug}: {why}");
            var result = await host.RemoveWorktreeAsync(new RemoveWorktreeRequest(worktree.Path), progress, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                removed.Add(result.Worktree ?? worktree);
            }
            else
            {
                skipped.Add(new PruneSkip(worktree, $"{why}, but it was not removed: {result.Message}"));
            }
        }

        return new PruneResult(dryRun, removed, skipped) { Notice = board.Notice };
    }

    private static int CountLines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
}
