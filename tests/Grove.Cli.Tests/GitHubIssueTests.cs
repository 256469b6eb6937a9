using System.Text.Json;

namespace Grove.Cli.Tests;

/// <summary><c>grove new --issue</c> against a GitHub-shaped server on loopback.</summary>
public class GitHubIssueTests
{
    [Fact]
    public async Task NewIssue_ReadsEveryPage_WorktreeOnIssueBranchIssueFileOutsideTheTree()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.AddIssue(42, "Fix the Login page: é & spaces! (and a very long tail of words)", "The login page **breaks**.", ["bug", "ui"], comments: 5);
        using var repo = GitHubRepo.Create(server);

        var created = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "42");

        Assert.True(created.Succeeded, created.StandardError);
        const string branch = "issue-42-fix-the-login-page-e-spaces-and-a-very";
        Assert.Contains(branch, created.StandardError + created.StandardOutput, StringComparison.Ordinal);
        Assert.All(server.Authorizations, a => Assert.EndsWith(" " + GitHubRepo.Canary, a, StringComparison.Ordinal)); // the token went to GitHub, nowhere else
        Assert.NotEmpty(server.Authorizations);
        Assert.Equal(3, server.Requests.Count(r => r.Contains("/issues/42/comments", StringComparison.Ordinal))); // 5 comments, 2 a page
        var list = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");
        using var json = JsonDocument.Parse(list.StandardOutput);
        var made = json.RootElement.EnumerateArray().Single(w => w.GetProperty("branch").GetString() == branch);
        var issue = made.GetProperty("issue");
        Assert.Equal(42, issue.GetProperty("number").GetInt64());
        Assert.Equal("https://github.example/octo/repo/issues/42", issue.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement[0].GetProperty("issue").ValueKind);
        var worktree = made.GetProperty("path").GetString()!;
        Assert.Equal(string.Empty, repo.Git(worktree, "status", "--porcelain", "--ignored"));

        var env = await GroveCli.RunWithAsync(GitHubRepo.Token(), worktree, "env");

        Assert.True(env.Succeeded, env.StandardError);
        Assert.Contains("export GROVE_ISSUE_NUMBER='42'", env.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("export GROVE_ISSUE_URL='https://github.example/octo/repo/issues/42'", env.StandardOutput, StringComparison.Ordinal);
        var file = env.StandardOutput.Split('\n').Single(l => l.StartsWith("export GROVE_ISSUE_FILE=", StringComparison.Ordinal))["export GROVE_ISSUE_FILE=".Length..].Trim('\'');
        Assert.StartsWith(repo.CommonGitDirectory, file, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)); // owner-only, like the rest of the state folder
        var markdown = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.Contains("# Fix the Login page: é & spaces! (and a very long tail of words) (#42)", markdown, StringComparison.Ordinal);
        Assert.Contains("The login page **breaks**.", markdown, StringComparison.Ordinal);
        Assert.Contains("Labels: bug, ui", markdown, StringComparison.Ordinal);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Contains($"comment {i} on #42", markdown, StringComparison.Ordinal);
        }

        GitHubRepo.AssertNoCanary(created.StandardOutput, created.StandardError, list.StandardOutput, list.StandardError, env.StandardOutput, env.StandardError, markdown);
    }

    [Fact]
    public async Task NewIssue_BranchExists_OpensIt()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.AddIssue(7, "Add search");
        using var repo = GitHubRepo.Create(server);
        repo.Git(repo.Primary, "branch", "issue-7-add-search");
        var before = repo.Git(repo.Primary, "rev-parse", "issue-7-add-search").Trim();

        var created = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "7", "--json");

        Assert.True(created.Succeeded, created.StandardError);
        using var json = JsonDocument.Parse(created.StandardOutput);
        Assert.Equal("issue-7-add-search", json.RootElement.GetProperty("branch").GetString());
        Assert.Equal(before, json.RootElement.GetProperty("head").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("issue").GetProperty("number").GetInt64());
    }

    [Fact]
    public async Task NewIssue_NoSuchIssue_NamesItAndCreatesNothing()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "99");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("octo/repo has no issue #99", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix:", result.StandardError, StringComparison.Ordinal);
        Assert.Single(repo.Git(repo.Primary, "worktree", "list").Trim().Split('\n'));
        GitHubRepo.AssertNoCanary(result.StandardOutput, result.StandardError);
    }

    [Fact]
    public async Task NewIssue_WrongToken_401NamesTheFixNeverTheToken()
    {
        await using var server = await GitHubServer.StartAsync(token: "ghp_the_right_one");
        server.AddIssue(1, "Anything");
        using var repo = GitHubRepo.Create(server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rejected a token from GH_TOKEN (401 Bad credentials)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("GITHUB_TOKEN", result.StandardError, StringComparison.Ordinal);
        GitHubRepo.AssertNoCanary(result.StandardOutput, result.StandardError);
    }

    [Fact]
    public async Task NewIssue_PrivateWithoutToken_ErrorNamesTheThreeSources()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.RequireToken = true;
        server.AddIssue(1, "Anything");
        using var repo = GitHubRepo.Create(server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(null), repo.Primary, "new", "--issue", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("GH_TOKEN", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("GITHUB_TOKEN", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gh auth", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(server.Authorizations);
    }

    [Fact]
    public async Task NewIssue_RateLimited_SaysUntilWhen()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.AddIssue(1, "Anything");
        server.RateLimitedUntil = new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero);
        using var repo = GitHubRepo.Create(server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rate limit is used up until 2031-05-04 03:02:01 UTC", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewIssue_EnterpriseBasePath_Works()
    {
        await using var server = await GitHubServer.StartAsync("/api/v3", token: GitHubRepo.Canary);
        server.AddIssue(3, "On the enterprise host");
        using var repo = GitHubRepo.Create(server, origin: "git@ghe.example.com:octo/repo.git");

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "3", "--json");

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Contains("\"branch\": \"issue-3-on-the-enterprise-host\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Contains(" /api/v3/repos/octo/repo/", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewIssue_NoGitHubRemote_NamesTheFix()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "new", "--issue", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("github.repository", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("git remote add origin", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewIssue_NoVariables_TakesTheTokenFromGhAuthToken()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.RequireToken = true;
        server.AddIssue(5, "Token from gh");
        using var repo = GitHubRepo.Create(server);
        using var bin = new TempFolder("grove-gh");
        var gh = Path.Combine(bin.Path, "gh");
        await File.WriteAllTextAsync(gh, $"#!/bin/sh\n[ \"$1 $2 $3 $4\" = 'auth token --hostname github.com' ] && echo {GitHubRepo.Canary}\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(gh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = GitHubRepo.Token(null);
        environment["PATH"] = $"{bin.Path}:{Environment.GetEnvironmentVariable("PATH")}";

        var result = await GroveCli.RunWithAsync(environment, repo.Primary, "new", "--issue", "5");

        Assert.True(result.Succeeded, result.StandardError);
        Assert.NotEmpty(server.Authorizations);
        Assert.All(server.Authorizations, a => Assert.EndsWith(" " + GitHubRepo.Canary, a, StringComparison.Ordinal));
        GitHubRepo.AssertNoCanary(result.StandardOutput, result.StandardError);
    }
}
