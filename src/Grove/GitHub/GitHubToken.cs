using Grove.Processes;

namespace Grove.GitHub;

/// <summary>
/// The token Grove sends to GitHub: <c>GH_TOKEN</c>, then <c>GITHUB_TOKEN</c>, then
/// <c>gh auth token</c> when gh is installed. Its <see cref="ToString"/> names only where it came
/// from: the value is never printed, logged, put in a snapshot or handed to a child process.
/// </summary>
internal sealed class GitHubToken
{
    /// <summary>The variables a token is read from; removed from every child's environment unless grove.json sets them.</summary>
    public static readonly string[] Variables = ["GH_TOKEN", "GITHUB_TOKEN"];

    /// <summary>What an error says when a token is needed and none was found.</summary>
    public const string HowToSet = "set GH_TOKEN or GITHUB_TOKEN to a GitHub token, or log in with 'gh auth login' (Grove asks 'gh auth token')";

    private GitHubToken(string value, string source)
    {
        Value = value;
        Source = source;
    }

    /// <summary>The secret itself: only for the Authorization header.</summary>
    internal string Value { get; }

    /// <summary>Where it came from: GH_TOKEN, GITHUB_TOKEN or gh.</summary>
    public string Source { get; }

    public override string ToString() => $"a token from {Source}";

    /// <summary>The first token found, or null (public reads only then).</summary>
    public static async Task<GitHubToken?> FindAsync(string host, CancellationToken cancellationToken)
    {
        foreach (var variable in Variables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                return new GitHubToken(value.Trim(), variable);
            }
        }

        if (CommandLocator.Find("gh", Path.GetTempPath()) is not { } gh)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var result = await ProcessRunner.RunAsync(new ProcessSpec(gh, ["auth", "token", "--hostname", host]), timeout.Token).ConfigureAwait(false);
            var token = result.StandardOutput.Trim();
            return result.Succeeded && token.Length > 0 && !token.Contains('\n', StringComparison.Ordinal) ? new GitHubToken(token, "gh auth token") : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // gh hung (a prompt?): no token, public reads only
        }
    }

    /// <summary><paramref name="text"/> with every occurrence of the token replaced.</summary>
    public string Redact(string text) => string.IsNullOrEmpty(text) ? text : text.Replace(Value, "***", StringComparison.Ordinal);
}
