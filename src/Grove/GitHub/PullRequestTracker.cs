using Grove.Configuration;
using Microsoft.Extensions.Logging;

namespace Grove.GitHub;

/// <summary>
/// Polls pull request status politely, shared by every grove process of the repository: at most
/// once per <c>github.pollSeconds</c> (60 s by default) whoever asks (the board in the state
/// folder says when the last poll was; one process polls at a time, the others read its board),
/// with conditional requests (ETag, 304), and none at all until a spent rate limit resets. A
/// failed poll keeps the last known status and says why in the board's notice.
/// </summary>
internal sealed class PullRequestTracker(string stateFolder, TimeProvider time, ILogger logger)
{
    /// <summary>The board, polled first when it is older than the interval and GitHub may be asked; null when no GitHub repository is known.</summary>
    public async Task<PullRequestBoard?> RefreshAsync(Func<CancellationToken, Task<GitHubSession?>> open, GitHubConfig config, IReadOnlyCollection<string> branches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(config);
        var board = PullRequestBoard.Load(stateFolder);
        if (IsCurrent(board, config))
        {
            return board;
        }

        using var gate = TryLock();
        if (gate is null)
        {
            return board; // another grove process polls right now (its board comes next time), or there is no state folder
        }

        board = PullRequestBoard.Load(stateFolder);
        if (IsCurrent(board, config))
        {
            return board;
        }

        var session = await open(cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var known = board?.Repository == session.Repository.FullName ? board.ByBranch : new Dictionary<string, PullRequestStatus>();
        PullRequestBoard next;
        try
        {
            var statuses = await PullRequestReader.ReadAsync(session, branches).ConfigureAwait(false);
            next = new PullRequestBoard(session.Repository.FullName, now, statuses);
            GitHubLog.Polled(logger, session.Repository.FullName, statuses.Count);
        }
        catch (GroveException ex)
        {
            var since = board?.PolledAt is { } polled ? $"pull request status as of {polled.ToUniversalTime():HH:mm:ss} UTC: " : "no pull request status yet: ";
            next = new PullRequestBoard(session.Repository.FullName, now, known)
            {
                RateLimitedUntil = (ex as GitHubRateLimitException)?.Reset,
                Notice = since + ex.Message + (ex.Fix is null ? string.Empty : $" (fix: {ex.Fix})"),
            };
            GitHubLog.PollFailed(logger, session.Repository.FullName, ex.Message);
        }

        try
        {
            next.Save(stateFolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GitHubLog.PollFailed(logger, session.Repository.FullName, $"the board could not be saved: {ex.Message}");
        }

        return next;
    }

    /// <summary>The poll lock; null when another process holds it, or the state folder cannot be made (the state store reports that).</summary>
    private Files.FileLock? TryLock()
    {
        try
        {
            Files.OwnerOnly.CreateFolder(stateFolder);
            return Files.FileLock.TryAcquire(Path.Combine(stateFolder, "github-poll.lock"), exclusive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private bool IsCurrent(PullRequestBoard? board, GitHubConfig config)
    {
        var now = time.GetUtcNow();
        return board is not null && (board.RateLimitedUntil > now || now - board.PolledAt < TimeSpan.FromSeconds(config.PollSeconds));
    }
}
