using System.Globalization;
using Octokit;

namespace Grove.GitHub;

/// <summary>
/// Turns what Octokit throws into errors that name the fix. Messages are Grove's own words and
/// GitHub's answer, never a request's headers: a token cannot end up in one.
/// </summary>
internal static class GitHubErrors
{
    /// <summary>An error for a call that needs a token, before any request is made.</summary>
    public static GroveException NoToken(string what) => new($"{what} needs a GitHub token, and none was found", GitHubToken.HowToSet);

    /// <summary>The error for <paramref name="error"/>; <paramref name="notFound"/> words a 404.</summary>
    public static GroveException From(Exception error, GitHubRepository repository, GitHubToken? token, string? notFound = null) => error switch
    {
        RateLimitExceededException limited => RateLimited(limited.Reset),
        AuthorizationException => token is null
            ? new GroveException($"GitHub ({repository.ApiUrl}) answered 401: this needs a token", GitHubToken.HowToSet)
            : new GroveException($"GitHub ({repository.ApiUrl}) rejected {token} (401 Bad credentials)", $"renew the token ({token.Source}); {GitHubToken.HowToSet}"),
        NotFoundException => new GroveException(
            notFound ?? $"GitHub has no repository {repository.FullName} at {repository.ApiUrl} (404)",
            token is null
                ? $"check the name (the origin remote, or github.repository in grove.json); a private repository needs a token: {GitHubToken.HowToSet}"
                : "check the name (the origin remote, or github.repository in grove.json) and that the token may read it"),
        ForbiddenException forbidden => new GroveException($"GitHub refused the request (403): {Clean(forbidden.Message, token)}", token is null ? GitHubToken.HowToSet : $"give {token} the scopes this needs (repo)"),
        ApiException api => new GroveException($"GitHub answered {(int)api.StatusCode}: {Clean(api.Message, token)}", "try again later; if it persists, check github.apiUrl in grove.json"),
        HttpRequestException or TaskCanceledException or TimeoutException => new GroveException(
            $"GitHub at {repository.ApiUrl} could not be reached ({error.GetType().Name})",
            "check the network, or github.apiUrl in grove.json"),
        _ => new GroveException($"talking to GitHub failed: {Clean(error.Message, token)}"),
    };

    /// <summary>The rate limit is spent: when it resets, in UTC.</summary>
    public static GitHubRateLimitException RateLimited(DateTimeOffset reset) => new(reset);

    private static string Clean(string message, GitHubToken? token) => token?.Redact(message) ?? message;
}

/// <summary>GitHub's rate limit is spent until <see cref="Reset"/>: pollers wait until then rather than fail.</summary>
internal sealed class GitHubRateLimitException(DateTimeOffset reset) : GroveException(
    $"GitHub's rate limit is used up until {reset.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC",
    "wait until then (Grove resumes on its own), or set a token for a higher limit: " + GitHubToken.HowToSet)
{
    public DateTimeOffset Reset { get; } = reset;
}
