using Aspire.Hosting.ApplicationModel;
using Grove.Dashboard;
using Grove.GitHub;
using Grove.Worktrees;

namespace Grove.Hosting.Tests;

/// <summary>A worktree's pull request on its dashboard row: a property and an "Open pull request" link.</summary>
public sealed class PullRequestRowTests
{
    private static readonly WorktreeSnapshot Worktree = new()
    {
        Slug = "feature-a", Branch = "feature/a", Path = "/r/a", Head = "abc", IsPrimary = false, IsDetached = false, Port = 4100,
        Url = "http://127.0.0.1:4100", GatewayUrl = "http://feature-a.localhost:8080", State = WorktreeState.Running, IsLocked = false, IsPrunable = false,
    };

    [Fact]
    public void Row_WithPullRequest_HasPropertyAndOpenPullRequestUrl()
    {
        var pr = new PullRequestStatus(11, "https://github.example/octo/repo/pull/11", PullRequestState.Open, PullRequestChecks.Passing);

        var row = WorktreeProjection.Apply(Empty(), Worktree with { PullRequest = pr }, "grove");

        Assert.Equal("#11 open, checks passing", row.Properties.Single(p => p.Name == "grove.pullRequest").Value);
        var url = row.Urls.Single(u => u.Name == "pull-request");
        Assert.Equal(pr.Url, url.Url);
        Assert.Equal("Open pull request", url.DisplayProperties.DisplayName);
    }

    [Fact]
    public void Row_WithoutPullRequest_HasNeither()
    {
        var row = WorktreeProjection.Apply(Empty(), Worktree, "grove");

        Assert.DoesNotContain(row.Properties, p => p.Name == "grove.pullRequest");
        Assert.DoesNotContain(row.Urls, u => u.Name == "pull-request");
    }

    private static CustomResourceSnapshot Empty() => new() { ResourceType = "Worktree", Properties = [] };
}
