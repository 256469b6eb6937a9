using Aspire.Hosting.ApplicationModel;
using Grove.Contracts;
using Grove.Worktrees;

namespace Grove.Dashboard;

/// <summary>How a worktree's state shows in the dashboard's state column.</summary>
internal static class WorktreeStateDisplay
{
    /// <summary>The state a removed worktree's (hidden) row keeps.</summary>
    public static readonly ResourceStateSnapshot Removed = new("Removed", KnownResourceStateStyles.Info);

    public static ResourceStateSnapshot Of(WorktreeState state) => state switch
    {
        WorktreeState.Pending => new(KnownResourceStates.Waiting, KnownResourceStateStyles.Info),
        WorktreeState.Installing or WorktreeState.BranchingDatabase or WorktreeState.Starting => new(KnownResourceStates.Starting, KnownResourceStateStyles.Info),
        WorktreeState.Running => new(KnownResourceStates.Running, KnownResourceStateStyles.Success),
        WorktreeState.Unhealthy => new("Unhealthy", KnownResourceStateStyles.Error),
        WorktreeState.Stopping => new(KnownResourceStates.Stopping, KnownResourceStateStyles.Info),
        WorktreeState.Exited => new(KnownResourceStates.Exited, KnownResourceStateStyles.Warn),
        WorktreeState.Failed => new("Failed", KnownResourceStateStyles.Error),
        WorktreeState.Stopped => new("Stopped", KnownResourceStateStyles.Info),
        _ => new(WorktreeStateNames.Of(state), null),
    };

    /// <summary>True while the app's process is there to answer on its URLs.</summary>
    public static bool Answers(WorktreeState state) => state is WorktreeState.Running or WorktreeState.Unhealthy or WorktreeState.Starting;
}
