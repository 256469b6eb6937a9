using Grove.Configuration;
using Grove.Processes;

namespace Grove.GitHub;

/// <summary>A repository on GitHub (or a GitHub Enterprise server) and the REST API that serves it.</summary>
/// <param name="Owner">The owner (user or organisation).</param>
/// <param name="Name">The repository's name.</param>
/// <param name="ApiUrl">The REST API's base address, ending in '/'.</param>
/// <param name="Host">The web host (github.com, or the Enterprise host) whose credentials <c>gh</c> keeps.</param>
internal sealed record GitHubRepository(string Owner, string Name, Uri ApiUrl, string Host)
{
    public const string PublicHost = "github.com";

    public string FullName => $"{Owner}/{Name}";

    /// <summary>
    /// The repository <c>github.repository</c> names, or the <c>origin</c> remote's; null when
    /// neither says one (Grove then leaves GitHub alone). The API is <c>github.apiUrl</c>, else
    /// api.github.com, else <c>https://&lt;host&gt;/api/v3</c> for an Enterprise host.
    /// </summary>
    public static async Task<GitHubRepository?> FindAsync(Git git, string directory, GitHubConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(git);
        ArgumentNullException.ThrowIfNull(config);
        string host;
        string owner;
        string name;
        var remote = await git.TryRunAsync(directory, ["remote", "get-url", "origin"], cancellationToken).ConfigureAwait(false);
        var fromRemote = remote.Succeeded ? GitHubRemote.Parse(remote.StandardOutput) : null;
        if (config.Repository is { } configured)
        {
            var parts = configured.Split('/');
            (owner, name) = (parts[0], parts[1]);
            host = config.ApiUrl is { } api ? HostOf(new Uri(api)) : fromRemote is { } origin && !OtherForge(origin.Host) ? origin.Host : PublicHost;
        }
        else if (fromRemote is { } parsed && !OtherForge(parsed.Host))
        {
            (host, owner, name) = parsed;
        }
        else
        {
            return null;
        }

        var apiUrl = config.ApiUrl is { } explicitUrl ? new Uri(explicitUrl)
            : host == PublicHost ? new Uri("https://api.github.com/")
            : new Uri($"https://{host}/api/v3/");
        return new GitHubRepository(owner, name, WithSlash(apiUrl), host);
    }

    /// <summary>
    /// Whether an origin's host is a known other git forge (GitLab, Bitbucket, Azure DevOps,
    /// Codeberg, Gitea, Forgejo, SourceHut), by name: such an origin is not taken for a GitHub
    /// Enterprise server (which would be polled, and warned about, in vain).
    /// </summary>
    private static bool OtherForge(string host) =>
        host is "dev.azure.com" or "ssh.dev.azure.com" or "codeberg.org" or "git.sr.ht"
        || host.EndsWith(".visualstudio.com", StringComparison.Ordinal)
        || host.Split('.').Any(label => label.StartsWith("gitlab", StringComparison.Ordinal) || label.StartsWith("bitbucket", StringComparison.Ordinal)
            || label.StartsWith("gitea", StringComparison.Ordinal) || label.StartsWith("forgejo", StringComparison.Ordinal));

    /// <summary>The web host an API address belongs to: github.com for api.github.com, the host itself otherwise.</summary>
    private static string HostOf(Uri api) => api.Host == "api.github.com" ? PublicHost : api.Host;

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
