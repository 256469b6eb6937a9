using Microsoft.Extensions.Logging;

namespace Grove.Worktrees;

/// <summary>The worktree watcher's own log messages.</summary>
internal static partial class WatcherLog
{
    [LoggerMessage(13, LogLevel.Warning, "The worktrees could not be read again (the last good list is kept): {Reason}")]
    public static partial void WatchFailed(ILogger logger, string reason);

    [LoggerMessage(14, LogLevel.Information, "The worktrees can be read again")]
    public static partial void WatchRecovered(ILogger logger);
}
