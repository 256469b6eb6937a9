using Microsoft.Extensions.Logging;

namespace Grove.Dashboard;

/// <summary>The integration's log messages: to the AppHost's console and to resources' console logs.</summary>
internal static partial class Log
{
    [LoggerMessage(Message = "{Line}")]
    public static partial void Line(ILogger logger, LogLevel level, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grove runs {Count} worktree(s) of {Repository}; gateway and landing page at {GatewayUrl}")]
    public static partial void Started(ILogger logger, int count, string repository, Uri gatewayUrl);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grove cannot run {Repository}: {Reason}")]
    public static partial void CannotRun(ILogger logger, string repository, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "grove.json: {Error}")]
    public static partial void ConfigError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "grove.json is valid again")]
    public static partial void ConfigValid(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log of worktree {Slug} stopped: {Reason}")]
    public static partial void LogStreamFailed(ILogger logger, string slug, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping Grove for {Repository} took longer than {Limit}; some apps may still be stopping")]
    public static partial void SlowStop(ILogger logger, string repository, TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the database server {Server} to be healthy")]
    public static partial void WaitingForDatabaseServer(ILogger logger, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worktree {Slug} ({Branch}) has its row {Resource} in the dashboard")]
    public static partial void RowShown(ILogger logger, string slug, string branch, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worktree {Slug} is gone: its row {Resource} is hidden")]
    public static partial void RowHidden(ILogger logger, string slug, string resource);

    [LoggerMessage(Level = LogLevel.Error, Message = "The dashboard rows of {Repository} could not be brought up to date (the apps run on; the next change tries again)")]
    public static partial void RowsFailed(ILogger logger, string repository, Exception exception);
}
