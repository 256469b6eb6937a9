using System.Text.Json;

namespace Grove.Cli.Tests;

/// <summary>Pull request status in <c>grove ls</c>, <c>grove pr comment</c> and <c>grove prune --merged</c>, against a GitHub-shaped server.</summary>
public class GitHubPullRequestTests
{
    [Fact]
    public async Task LsJson_PullRequestOfEachBranch_StateChecksAcrossPagesThen304s()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        var heads = AddBranches(repo, server);

        var first = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");

        Assert.True(first.Succeeded, first.StandardError);
        var prs = PullRequests(first.StandardOutput);
        Assert.Null(prs["main"]);
        Assert.Equal((11, "open", "passing"), prs["feature/a"]!.Value);
        Assert.Equal((12, "draft", "pending"), prs["feature/b"]!.Value);
        Assert.Equal((13, "merged", "none"), prs["feature/c"]!.Value);
        Assert.Equal((14, "closed", "none"), prs["feature/d"]!.Value);
        Assert.Null(prs["feature/e"]);
        Assert.Equal((16, "open", "failing"), prs["feature/f"]!.Value);
        Assert.Equal(3, server.Requests.Count(r => r.StartsWith("GET /repos/octo/repo/pulls", StringComparison.Ordinal))); // 7 pulls, 2 a page: the 3 pages of the most recently updated (PullRequestReader.MaxPages), #11 on the third
        Assert.Equal(0, server.NotModified);

        await Task.Delay(1100, TestContext.Current.CancellationToken); // github.pollSeconds is 1 here
        var requestsBefore = server.Requests.Count;
        var second = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");

        Assert.True(second.Succeeded, second.StandardError);
        Assert.Equal(first.StandardOutput, second.StandardOutput);
        Assert.True(server.Requests.Count > requestsBefore);
        Assert.Equal(server.Requests.Count - requestsBefore, server.NotModified); // every request conditional, every answer 304
        var table = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls");
        Assert.Contains("#11 open checks passing", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("#13 merged", table.StandardOutput, StringComparison.Ordinal);
        GitHubRepo.AssertNoCanary(first.StandardOutput, first.StandardError, second.StandardOutput, second.StandardError, table.StandardOutput, table.StandardError);
        GitHubRepo.AssertNoCanary([.. Directory.GetFiles(Path.Combine(repo.CommonGitDirectory, "grove"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".db", StringComparison.Ordinal) && !f.Contains(".db-", StringComparison.Ordinal)).Select(File.ReadAllText)]);
        _ = heads;
    }

    [Fact]
    public async Task Ls_WithinThePollInterval_AsksGitHubNothing()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server, pollSeconds: 60);
        AddBranches(repo, server);
        await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");
        var asked = server.Requests.Count;

        var again = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");

        Assert.True(again.Succeeded, again.StandardError);
        Assert.Equal(asked, server.Requests.Count);
        Assert.Equal((11, "open", "passing"), PullRequests(again.StandardOutput)["feature/a"]!.Value);
    }

    [Fact]
    public async Task Ls_RateLimited_ShowsTheResetTimeKeepsTheLastStatusAndWaits()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        AddBranches(repo, server);
        await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");
        server.RateLimitedUntil = new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero);
        await Task.Delay(1100, TestContext.Current.CancellationToken);

        var limited = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");
        var asked = server.Requests.Count;
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        var later = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");

        Assert.True(limited.Succeeded, limited.StandardError);
        Assert.Contains("rate limit is used up until 2031-05-04 03:02:01 UTC", limited.StandardError, StringComparison.Ordinal);
        Assert.Equal((11, "open", "passing"), PullRequests(limited.StandardOutput)["feature/a"]!.Value);
        Assert.Equal(asked, server.Requests.Count); // no request before the reset
        Assert.Contains("rate limit is used up until", later.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrComment_PostsOneCommentThenUpdatesIt()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        var heads = AddBranches(repo, server);
        server.Issues[11].Comments.AddRange(Enumerable.Range(1, 3).Select(i => new GitHubServer.Comment(i, $"review {i}", "reviewer")));
        var report = Path.Combine(repo.Root, "report.md");
        await File.WriteAllTextAsync(report, "e2e: 12 passed, 0 failed", TestContext.Current.CancellationToken);

        var posted = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "pr", "comment", "feature/a", "--file", report);
        await File.WriteAllTextAsync(report, "e2e: 13 passed, 0 failed", TestContext.Current.CancellationToken);
        var updated = await GroveCli.RunWithAsync(GitHubRepo.Token(), heads["feature/a"].Path, "pr", "comment", "--file", report);

        Assert.True(posted.Succeeded, posted.StandardError);
        Assert.Contains("posted the validation comment on pull request #11", posted.StandardOutput, StringComparison.Ordinal);
        Assert.True(updated.Succeeded, updated.StandardError);
        Assert.Contains("updated the validation comment on pull request #11", updated.StandardOutput, StringComparison.Ordinal);
        var mine = Assert.Single(server.Issues[11].Comments, c => c.Body.Contains("<!-- grove:validation -->", StringComparison.Ordinal));
        Assert.Equal(4, server.Issues[11].Comments.Count);
        Assert.Contains(heads["feature/a"].Head, mine.Body, StringComparison.Ordinal);
        Assert.Contains("e2e: 13 passed, 0 failed", mine.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("12 passed", mine.Body, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:", mine.Body, StringComparison.Ordinal);
        GitHubRepo.AssertNoCanary(posted.StandardOutput, posted.StandardError, updated.StandardOutput, updated.StandardError, mine.Body);
    }

    [Fact]
    public async Task PrComment_NoPullRequestForTheBranch_NamesTheFix()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        AddBranches(repo, server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "pr", "comment", "feature/e");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no pull request of octo/repo has the branch 'feature/e' as its head", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gh pr create --head feature/e", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrComment_NoToken_NamesTheThreeSourcesAndAsksNothing()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        AddBranches(repo, server);

        var result = await GroveCli.RunWithAsync(GitHubRepo.Token(null), repo.Primary, "pr", "comment", "feature/a");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("needs a GitHub token", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("GH_TOKEN", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("GITHUB_TOKEN", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gh auth", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task PruneMerged_RemovesMergedAndClosed_KeepsUncommittedWork_DryRunListsOnly()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server);
        var heads = AddBranches(repo, server);
        var dirty = Path.Combine(heads["feature/d"].Path, "notes.txt");
        await File.WriteAllTextAsync(dirty, "unsaved thoughts", TestContext.Current.CancellationToken);

        var dry = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "prune", "--merged", "--dry-run");

        Assert.True(dry.Succeeded, dry.StandardError);
        Assert.Contains("would remove feature-c", dry.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("kept feature-d", dry.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("uncommitted work", dry.StandardOutput, StringComparison.Ordinal);
        Assert.True(Directory.Exists(heads["feature/c"].Path));

        var pruned = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "prune", "--merged");

        Assert.True(pruned.Succeeded, pruned.StandardError);
        Assert.Contains("removed feature-c", pruned.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(heads["feature/c"].Path));
        Assert.Equal("unsaved thoughts", await File.ReadAllTextAsync(dirty, TestContext.Current.CancellationToken));
        var left = PullRequests((await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json")).StandardOutput);
        Assert.Equal(["feature/a", "feature/b", "feature/d", "feature/e", "feature/f", "main"], left.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(heads["feature/c"].Head, repo.Git(repo.Primary, "rev-parse", "feature/c").Trim()); // the branch is kept
        GitHubRepo.AssertNoCanary(dry.StandardOutput, dry.StandardError, pruned.StandardOutput, pruned.StandardError);
    }

    [Fact]
    public async Task ChildEnvironment_NeverGetsTheToken()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var folder = new TempFolder("grove-env");
        var envFile = Path.Combine(folder.Path, "env.txt");
        using var repo = GitHubRepo.Create(server, extraConfig: $$""", "install": [ { "command": "sh", "args": ["-c", "env > \"$0\"", "{{envFile}}"] } ]""");

        var installed = await GroveCli.RunWithAsync(new Dictionary<string, string?> { ["GH_TOKEN"] = GitHubRepo.Canary, ["GITHUB_TOKEN"] = GitHubRepo.Canary }, repo.Primary, "install");

        Assert.True(installed.Succeeded, installed.StandardError);
        var environment = await File.ReadAllTextAsync(envFile, TestContext.Current.CancellationToken);
        Assert.Contains("PATH=", environment, StringComparison.Ordinal);
        GitHubRepo.AssertNoCanary(environment, installed.StandardOutput, installed.StandardError);
    }

    [Fact]
    public async Task Up_PollsWithTheTokenButNeverPrintsOrLogsIt()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        using var repo = GitHubRepo.Create(server, extraConfig: $$""", "gateway": { "port": {{FreePort.Next()}} }""");
        AddBranches(repo, server);
        var output = new List<string>();
        var spec = new Grove.Processes.ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "up"], repo.Primary) { Environment = GitHubRepo.Token() };
        await using (var up = Grove.Processes.ChildProcess.Start(spec, (_, line) => { lock (output) { output.Add(line); } }))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!server.Requests.Any(r => r.Contains("/check-runs", StringComparison.Ordinal)))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "grove up did not poll GitHub within 60 s: " + string.Join('\n', output));
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            var listed = await GroveCli.RunWithAsync(GitHubRepo.Token(), repo.Primary, "ls", "--json");
            Assert.Equal((11, "open", "passing"), PullRequests(listed.StandardOutput)["feature/a"]!.Value);
            System.Diagnostics.Process.Start("kill", ["-TERM", up.Identity.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
        }

        Assert.All(server.Authorizations, a => Assert.EndsWith(" " + GitHubRepo.Canary, a, StringComparison.Ordinal));
        lock (output)
        {
            GitHubRepo.AssertNoCanary([.. output]);
        }

        GitHubRepo.AssertNoCanary([.. Directory.GetFiles(Path.Combine(repo.CommonGitDirectory, "grove"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".db", StringComparison.Ordinal) && !f.Contains(".db-", StringComparison.Ordinal)).Select(File.ReadAllText)]);
    }

    /// <summary>Worktrees feature/a..f with pull requests 11 (open, checks passing), 12 (draft, a check running), 13 (merged), 14 (closed), none for e, 16 (open, a check failing); and a PR of a branch no worktree has.</summary>
    private static Dictionary<string, (string Path, string Head)> AddBranches(TestRepository repo, GitHubServer server)
    {
        var heads = new Dictionary<string, (string Path, string Head)>();
        foreach (var branch in new[] { "feature/a", "feature/b", "feature/c", "feature/d", "feature/e", "feature/f" })
        {
            var path = repo.AddWorktree(branch);
            heads[branch] = (path, repo.Git(path, "rev-parse", "HEAD").Trim());
        }

        server.AddPull(10, "elsewhere", "aaaa");
        server.AddPull(11, "feature/a", "sha-a");
        server.CheckRuns["sha-a"] = ["success", "success"];
        server.Statuses["sha-a"] = "success";
        server.AddPull(12, "feature/b", "sha-b", draft: true);
        server.CheckRuns["sha-b"] = ["success", null];
        server.AddPull(13, "feature/c", "sha-c", state: "closed", merged: true);
        server.AddPull(14, "feature/d", "sha-d", state: "closed");
        server.AddPull(15, "feature/a", "sha-old", state: "closed"); // an older, closed PR of the same branch: the open one wins
        server.AddPull(16, "feature/f", "sha-f");
        server.Statuses["sha-f"] = "failure";
        return heads;
    }

    private static Dictionary<string, (int, string, string)?> PullRequests(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().ToDictionary(
            w => w.GetProperty("branch").GetString()!,
            w => w.GetProperty("pullRequest") is { ValueKind: JsonValueKind.Object } pr
                ? ((int, string, string)?)(pr.GetProperty("number").GetInt32(), pr.GetProperty("state").GetString()!, pr.GetProperty("checks").GetString()!)
                : null);
    }
}
