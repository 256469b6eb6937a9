namespace Grove.Worktrees;

/// <summary>Where a worktree's app is in its life. Without a running supervisor every app is <see cref="Stopped"/>.</summary>
public enum WorktreeState
{
    Pending,
    Installing,
    BranchingDatabase,
    Starting,
    Running,
    Unhealthy,

    /// <summary>Being stopped (on request, or to restart): no longer to be used, not yet gone.</summary>
    Stopping,
    Exited,
    Failed,
    Stopped,

    /// <summary>
    /// No front end runs the apps, yet the process a killed one recorded for this app (pid and
    /// start time) still runs: the next <c>grove up</c> stops it, and so does <c>grove rm</c>.
    /// </summary>
    Orphaned,
}
