using Grove.Configuration;
using Grove.Processes;
using Octokit;

namespace Grove.GitHub;

/// <summary>
/// Octokit for one repository: its API address, the token (when there is one) and the shared
/// ETag cache. Every GitHub use case starts here.
/// </summary>
internal sealed class GitHubSession
{
    private GitHubSession(GitHubRepository repository, GitHubToken? token, GitHubClient client)
    {
        Repository = repository;
        Token = token;
        Client = client;
    }

    public GitHubRepository Repository { get; }

    public GitHubToken? Token { get; }

    public GitHubClient Client { get; }

    /// <summary>The session for the repository grove.json or the origin remote names; null when neither names one.</summary>
    public static async Task<GitHubSession?> OpenAsync(Git git, string directory, string stateFolder, GitHubConfig config, CancellationToken cancellationToken)
    {
        var repository = await GitHubRepository.FindAsync(git, directory, config, cancellationToken).ConfigureAwait(false);
        if (repository is null)
        {
            return null;
        }

        var token = await GitHubToken.FindAsync(repository.Host, cancellationToken).ConfigureAwait(false);
        var credentials = token is null ? Credentials.Anonymous : new Credentials(token.Value);
        var connection = new Connection(new ProductHeaderValue("grove"), repository.ApiUrl, new Octokit.Internal.InMemoryCredentialStore(credentials))
        {
            ResponseCache = new DiskResponseCache(Path.Combine(stateFolder, "github", "cache")),
        };
        var client = new GitHubClient(connection);
        client.SetRequestTimeout(TimeSpan.FromSeconds(15));
        return new GitHubSession(repository, token, client);
    }

    /// <summary>Refuses a call that needs a token when none was found.</summary>
    public void RequireToken(string what)
    {
        if (Token is null)
        {
            throw GitHubErrors.NoToken(what);
        }
    }

    /// <summary>Runs an Octokit call, turning its errors into ones that name the fix.</summary>
    public async Task<T> CallAsync<T>(Func<GitHubClient, Task<T>> call, string? notFound = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(Client).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or TimeoutException)
        {
            throw GitHubErrors.From(ex, Repository, Token, notFound);
        }
    }
}
