using System.Text.Json;
using Grove.GitHub;
using Microsoft.Playwright;

namespace Grove.Gateway.Tests;

/// <summary>A worktree's pull request and issue, as the host's snapshot carries them, in the agent API and on the landing page.</summary>
public class PullRequestTests
{
    private static readonly PullRequestStatus Pr = new(11, "https://github.example/octo/repo/pull/11", PullRequestState.Draft, PullRequestChecks.Failing);

    [Fact]
    public async Task AgentApi_WorktreeHasPullRequestAndIssue_OrNull()
    {
        var host = new InMemoryHost();
        host.Publish(
            InMemoryHost.Worktree("alpha", 4100) with { PullRequest = Pr, Issue = new WorktreeIssue(7, "Add search", "https://github.example/octo/repo/issues/7", "/repo/.git/grove/issues/7.md") },
            InMemoryHost.Worktree("beta", 4200));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}/") };

        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/_grove/worktrees", UriKind.Relative), TestContext.Current.CancellationToken));

        var alpha = list.RootElement.EnumerateArray().Single(w => w.GetProperty("slug").GetString() == "alpha");
        var pr = alpha.GetProperty("pullRequest");
        Assert.Equal(11, pr.GetProperty("number").GetInt32());
        Assert.Equal("draft", pr.GetProperty("state").GetString());
        Assert.Equal("failing", pr.GetProperty("checks").GetString());
        Assert.Equal(Pr.Url, pr.GetProperty("url").GetString());
        Assert.Equal(7, alpha.GetProperty("issue").GetProperty("number").GetInt64());
        Assert.False(alpha.GetProperty("issue").TryGetProperty("file", out _)); // the contract is number, title, url
        var beta = list.RootElement.EnumerateArray().Single(w => w.GetProperty("slug").GetString() == "beta");
        Assert.Equal(JsonValueKind.Null, beta.GetProperty("pullRequest").ValueKind);
        Assert.Equal(JsonValueKind.Null, beta.GetProperty("issue").ValueKind);
    }

    [Fact]
    public async Task LandingPage_ShowsThePullRequestLinkedAndLive()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 4100));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://localhost:{gateway.Port}/");
        await page.Locator("tr[data-slug=alpha] .pull-request").Filter(new() { HasText = "—" }).WaitForAsync(new() { Timeout = 15_000 });

        host.Publish(InMemoryHost.Worktree("alpha", 4100) with { PullRequest = Pr });

        var link = page.Locator("tr[data-slug=alpha] .pull-request a");
        await link.Filter(new() { HasText = "#11 draft, checks failing" }).WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal(Pr.Url, await link.GetAttributeAsync("href"));
    }
}
