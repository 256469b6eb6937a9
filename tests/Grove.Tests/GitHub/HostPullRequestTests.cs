using Grove.GitHub;
using Grove.Hosting;
using Grove.Worktrees;

namespace Grove.Tests.GitHub;

/// <summary>A started host (grove up, the AppHost) polls pull requests on its own and, with github.pruneMerged, prunes.</summary>
public class HostPullRequestTests
{
    [Fact]
    public async Task StartedHost_PutsPullRequestsOnSnapshots_AndPruneMergedRemovesOnlyCleanFinishedOnes()
    {
        await using var server = await GitHubServer.StartAsync(token: "unused-here");
        using var repo = TestRepository.Create();
        repo.Git(repo.Primary, "remote", "add", "origin", "https://github.com/octo/repo.git");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""{ "github": { "apiUrl": "{{server.ApiUrl}}", "pollSeconds": 1, "pruneMerged": true } }""");
        repo.CommitAll("grove.json");
        var open = repo.AddWorktree("feature/a");
        var merged = repo.AddWorktree("feature/c");
        var closedDirty = repo.AddWorktree("feature/d");
        File.WriteAllText(Path.Combine(closedDirty, "wip.txt"), "not committed");
        server.AddPull(11, "feature/a", "sha-a");
        server.CheckRuns["sha-a"] = ["success"];
        server.AddPull(13, "feature/c", "sha-c", state: "closed", merged: true);
        server.AddPull(14, "feature/d", "sha-d", state: "closed");
        await using var host = await GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary }, Bounded.Token(Bounded.Git));

        await host.StartAsync(null, Bounded.Token(Bounded.Process));
        var after = await host.WaitForAsync(
            s => s.Worktrees.Any(w => w.Branch == "feature/a" && w.PullRequest is not null) && s.Worktrees.All(w => w.Branch != "feature/c"),
            Bounded.Token(TimeSpan.FromSeconds(60)));

        Assert.Equal(new PullRequestStatus(11, "https://github.example/octo/repo/pull/11", PullRequestState.Open, PullRequestChecks.Passing), after.Worktrees.Single(w => w.Branch == "feature/a").PullRequest);
        Assert.False(Directory.Exists(merged));
        Assert.Equal("not committed", File.ReadAllText(Path.Combine(closedDirty, "wip.txt")));
        Assert.Equal(PullRequestState.Closed, after.Worktrees.Single(w => w.Branch == "feature/d").PullRequest!.State);
        Assert.True(Directory.Exists(open));
    }
}
