using Microsoft.Extensions.Logging;

namespace Grove.Gateway;

/// <summary>The gateway's own log messages (hosts and slugs; never a request's headers or body).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(100, LogLevel.Information, "The gateway serves every worktree at http://<slug>.localhost:{Port}/")]
    public static partial void Listening(ILogger logger, int port);

    [LoggerMessage(101, LogLevel.Information, "The app of {Slug} did not answer a forwarded request: {Error}")]
    public static partial void ForwardFailed(ILogger logger, string slug, string error, Exception? exception);

    [LoggerMessage(102, LogLevel.Error, "The gateway's routes could not be rebuilt from a snapshot (the previous routes stay)")]
    public static partial void RoutesFailed(ILogger logger, Exception exception);
}
