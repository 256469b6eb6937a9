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
}
