using Microsoft.Extensions.Logging;

namespace Grove.Hosting;

/// <summary>Grove's own log messages about the host (never a secret: no connection string carries a password here).</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Grove runs the apps of {Repository} for {FrontEnd}: {Count} worktree(s)")]
    public static partial void Started(ILogger logger, string repository, string frontEnd, int count);

    [LoggerMessage(2, LogLevel.Information, "{Command} on {Worktree}: {Outcome}: {Message}")]
    public static partial void CommandEnded(ILogger logger, string command, string worktree, CommandOutcome outcome, string message);

    [LoggerMessage(3, LogLevel.Warning, "No spare database was prepared: {Reason}")]
    public static partial void SpareRefillFailed(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Information, "Grove stopped every app of {Repository}")]
    public static partial void Stopped(ILogger logger, string repository);

    [LoggerMessage(5, LogLevel.Warning, "The database template could not be rebuilt from its changed seed: {Reason} (fix: {Fix})")]
    public static partial void TemplateRebuildFailed(ILogger logger, string reason, string fix);
}
