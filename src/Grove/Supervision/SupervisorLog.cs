using Microsoft.Extensions.Logging;

namespace Grove.Supervision;

/// <summary>The supervisor's and the watcher's own log messages (worktree paths and states; never a secret).</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(10, LogLevel.Error, "Grove could not bring the apps in line with the worktrees (it goes on with the next change)")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Stopped process {Pid} of worktree {Slug}, left running by an earlier grove that did not stop cleanly")]
    public static partial void OrphanStopped(ILogger logger, int pid, string slug);

    [LoggerMessage(12, LogLevel.Debug, "{Slug}: {State} {Reason}")]
    public static partial void StateChanged(ILogger logger, string slug, Worktrees.WorktreeState state, string? reason);

    [LoggerMessage(13, LogLevel.Warning, "The worktrees could not be read again (the last good list is kept): {Reason}")]
    public static partial void WatchFailed(ILogger logger, string reason);

    [LoggerMessage(14, LogLevel.Information, "The worktrees can be read again")]
    public static partial void WatchRecovered(ILogger logger);
}
