using Microsoft.Extensions.Logging;

namespace Grove.GitHub;

/// <summary>Grove's log messages about GitHub: repository names and Grove's own error text, never a token.</summary>
internal static partial class GitHubLog
{
    [LoggerMessage(1, LogLevel.Debug, "Read the pull requests of {Repository}: {Count} worktree branch(es) have one")]
    public static partial void Polled(ILogger logger, string repository, int count);

    [LoggerMessage(2, LogLevel.Warning, "Pull request status of {Repository} could not be read: {Reason}")]
    public static partial void PollFailed(ILogger logger, string repository, string reason);

    [LoggerMessage(3, LogLevel.Information, "github.pruneMerged: {Message}")]
    public static partial void Pruned(ILogger logger, string message);
}
