using System.Globalization;
using Grove.Contracts;
using Grove.Worktrees;

namespace Grove.Cli.Output;

/// <summary>
/// What a worktree's app is busy with, for people: the step before it runs (installing,
/// branching its database, starting) and how long that has taken so far, or its state and reason.
/// </summary>
internal static class AppProgress
{
    /// <summary>For example <c>installing 42 s</c>, <c>branching database 3 s</c>, <c>starting 7 s</c>, <c>running</c>, <c>failed: exit code 1</c>.</summary>
    public static string Of(WorktreeSnapshot worktree, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        var since = worktree.State switch
        {
            WorktreeState.Installing or WorktreeState.BranchingDatabase => worktree.Step?.StartedAt,
            WorktreeState.Starting => worktree.StartedAt ?? worktree.Step?.StartedAt,
            _ => null,
        };
        var name = worktree.State switch
        {
            WorktreeState.Installing => "installing",
            WorktreeState.BranchingDatabase => "branching database",
            WorktreeState.Starting => "starting",
            _ => WorktreeStateNames.Of(worktree.State),
        };
        var elapsed = since is { } start ? $" {Seconds(now - start)}" : string.Empty;
        return worktree.StateReason is { } reason ? $"{name}{elapsed}: {reason}" : name + elapsed;
    }

    /// <summary>Whole seconds, never negative: <c>0 s</c>, <c>95 s</c>.</summary>
    public static string Seconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (long)elapsed.TotalSeconds)} s");
}
