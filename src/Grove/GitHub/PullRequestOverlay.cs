using Grove.Worktrees;

namespace Grove.GitHub;

/// <summary>Puts a <see cref="PullRequestBoard"/>'s status on a snapshot's worktrees (by branch), with its notice.</summary>
internal static class PullRequestOverlay
{
    public static RepositorySnapshot Apply(RepositorySnapshot snapshot, PullRequestBoard? board)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return board is null ? snapshot : snapshot with
        {
            Worktrees = [.. snapshot.Worktrees.Select(w => w with { PullRequest = board.For(w.Branch) })],
            GitHubNotice = board.Notice,
        };
    }
}
