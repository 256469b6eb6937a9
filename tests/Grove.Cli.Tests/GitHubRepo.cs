namespace Grove.Cli.Tests;

/// <summary>A test repository whose origin is on GitHub and whose grove.json points Grove at a <see cref="GitHubServer"/>.</summary>
internal static class GitHubRepo
{
    /// <summary>A token that must never show up in any output.</summary>
    public const string Canary = "ghp_CANARY0123456789abcdefCANARY";

    public static TestRepository Create(GitHubServer server, string origin = "https://github.com/octo/repo.git", string extraGitHub = "", int pollSeconds = 1, string extraConfig = "")
    {
        var repo = TestRepository.Create();
        repo.Git(repo.Primary, "remote", "add", "origin", origin);
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "github": { "apiUrl": "{{server.ApiUrl}}", "pollSeconds": {{pollSeconds}}{{extraGitHub}} }{{extraConfig}} }
            """);
        repo.CommitAll("grove.json for GitHub");
        return repo;
    }

    /// <summary>The environment a grove run gets: the canary as GH_TOKEN (or none at all).</summary>
    public static Dictionary<string, string?> Token(string? token = Canary) => new()
    {
        ["GH_TOKEN"] = token,
        ["GITHUB_TOKEN"] = null,
    };

    /// <summary>Fails when the canary shows in <paramref name="texts"/>.</summary>
    public static void AssertNoCanary(params string[] texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
            Assert.DoesNotContain("CANARY", text, StringComparison.Ordinal);
        }
    }
}
