using Grove.Configuration;

namespace Grove.Tests.GitHub;

public class GitHubConfigTests
{
    [Fact]
    public void Parse_GitHubSection_ReadsEveryKey()
    {
        var config = GroveConfigLoader.Parse("""
            { "github": { "repository": "octo/repo", "apiUrl": "https://ghe.example.com/api/v3", "pruneMerged": true, "pollSeconds": 120 } }
            """);

        Assert.Equal(new GitHubConfig("octo/repo", "https://ghe.example.com/api/v3", PruneMerged: true, PollSeconds: 120), config.GitHub);
        Assert.Equal(new GitHubConfig(), GroveConfigLoader.Parse("{}").GitHub);
    }

    [Fact]
    public void Parse_BadGitHubValues_AllReportedByKey()
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""
            { "github": { "repository": "no-slash", "apiUrl": "ftp://x", "pruneMerged": "yes", "pollSeconds": 0, "token": "x" } }
            """));

        foreach (var key in new[] { "github.repository", "github.apiUrl", "github.pruneMerged", "github.pollSeconds", "github.token" })
        {
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
        }
    }
}
