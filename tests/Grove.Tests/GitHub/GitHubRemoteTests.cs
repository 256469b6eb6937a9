using Grove.Configuration;
using Grove.GitHub;
using Grove.Processes;

namespace Grove.Tests.GitHub;

public class GitHubRemoteTests
{
    [Theory]
    [InlineData("https://github.com/octo/repo.git", "github.com", "octo", "repo")]
    [InlineData("https://github.com/octo/repo", "github.com", "octo", "repo")]
    [InlineData("https://user@github.com/octo/my.repo.git", "github.com", "octo", "my.repo")]
    [InlineData("git@github.com:octo/repo.git", "github.com", "octo", "repo")]
    [InlineData("ssh://git@github.com/octo/repo.git", "github.com", "octo", "repo")]
    [InlineData("ssh://git@GHE.example.com:2222/team/svc.git", "ghe.example.com", "team", "svc")]
    [InlineData("git@ghe.example.com:team/svc.git", "ghe.example.com", "team", "svc")]
    public void Parse_RemoteForms_HostOwnerName(string remote, string host, string owner, string name)
    {
        Assert.Equal((host, owner, name), GitHubRemote.Parse(remote));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/srv/git/repo.git")]
    [InlineData("../other")]
    [InlineData("https://github.com/onlyowner")]
    [InlineData("file:///srv/git/octo/repo.git")]
    public void Parse_NotARemoteOnAHost_Null(string remote)
    {
        Assert.Null(GitHubRemote.Parse(remote));
    }

    [Fact]
    public async Task FindAsync_ApiAddress_FromRemoteHostOrConfig()
    {
        using var repo = TestRepository.Create();
        var git = new Git();
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig(), ct));

        repo.Git(repo.Primary, "remote", "add", "origin", "git@github.com:octo/repo.git");
        var dotCom = await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig(), ct);
        Assert.Equal(("octo/repo", "https://api.github.com/", "github.com"), (dotCom!.FullName, dotCom.ApiUrl.AbsoluteUri, dotCom.Host));

        repo.Git(repo.Primary, "remote", "set-url", "origin", "https://ghe.example.com/team/svc.git");
        var enterprise = await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig(), ct);
        Assert.Equal(("team/svc", "https://ghe.example.com/api/v3/", "ghe.example.com"), (enterprise!.FullName, enterprise.ApiUrl.AbsoluteUri, enterprise.Host));

        foreach (var forge in new[] { "git@gitlab.com:team/svc.git", "https://gitlab.example.com/team/svc.git", "git@bitbucket.org:team/svc.git", "https://dev.azure.com/org/project/_git/svc", "https://codeberg.org/team/svc.git" })
        {
            repo.Git(repo.Primary, "remote", "set-url", "origin", forge);
            Assert.Null(await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig(), ct)); // another forge: never polled as an Enterprise server
        }

        var mirrored = await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig("octo/repo"), ct); // origin a mirror on another forge
        Assert.Equal(("octo/repo", "https://api.github.com/"), (mirrored!.FullName, mirrored.ApiUrl.AbsoluteUri));

        var configured = await GitHubRepository.FindAsync(git, repo.Primary, new GitHubConfig("other/name", "http://127.0.0.1:9/api/v3"), ct);
        Assert.Equal(("other/name", "http://127.0.0.1:9/api/v3/"), (configured!.FullName, configured.ApiUrl.AbsoluteUri));
    }

    [Theory]
    [InlineData(42, "Fix the Login page: é & spaces! (and a very long tail of words)", "issue-42-fix-the-login-page-e-spaces-and-a-very")]
    [InlineData(7, "Add search", "issue-7-add-search")]
    [InlineData(8, "!!!", "issue-8")]
    [InlineData(9, "überlänge_ÄÖÜ/x", "issue-9-uberlange-aou-x")]
    [InlineData(10, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", "issue-10-abcdefghijabcdefghijabcdefghijabcdefghij")]
    public void BranchFor_TitleSlugAtMost40(long number, string title, string branch)
    {
        Assert.Equal(branch, GitHubIssue.BranchFor(number, title));
        Assert.True(branch.Length <= $"issue-{number}-".Length + 40);
    }
}
