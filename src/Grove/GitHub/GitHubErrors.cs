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
    public static GroveException NoToken(string what, string howToSet) => new($"{what} needs a GitHub token, and none was found", howToSet);

    /// <summary>The error for <paramref name="error"/>; <paramref name="notFound"/> words a 404.</summary>
    public static GroveException From(Exception error, GitHubRepository repository, GitHubToken? token, string? notFound = null) => error switch
    {
        RateLimitExceededException limited => RateLimited(limited.Reset, token),
        SecondaryRateLimitExceededException secondary => RateLimited(DateTimeOffset.UtcNow + RetryAfter(secondary), token), // before ForbiddenException, which it is
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
    public static GitHubRateLimitException RateLimited(DateTimeOffset reset, GitHubToken? token) => new(reset, token is not null);

    /// <summary>How long GitHub asks to wait after a secondary rate limit (<c>Retry-After</c>); a minute when it does not say.</summary>
    private static TimeSpan RetryAfter(ApiException error) =>
        error.HttpResponse?.Headers is { } headers
        && headers.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value is { } value
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 3600))
            : TimeSpan.FromMinutes(1);

    private static string Clean(string message, GitHubToken? token) => token?.Redact(message) ?? message;
}

/// <summary>GitHub's rate limit is spent until <see cref="Reset"/>: pollers wait until then rather than fail.</summary>
internal sealed class GitHubRateLimitException(DateTimeOffset reset, bool withToken) : GroveException(
    $"GitHub's rate limit is used up until {reset.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC",
    "wait until then (Grove resumes on its own)" + (withToken ? string.Empty : ", or set a token for a higher limit: " + GitHubToken.HowToSet))
{
    public DateTimeOffset Reset { get; } = reset;
}
