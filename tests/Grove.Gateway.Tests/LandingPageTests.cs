using Grove.Worktrees;
using Microsoft.Playwright;

namespace Grove.Gateway.Tests;

/// <summary>The landing page in real headless Chromium.</summary>
public class LandingPageTests
{
    [Fact]
    public async Task LandingPage_ListsWorktreesUpdatesLiveAndLinksThrough()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"http://localhost:{gateway.Port}/");
        await page.Locator("tr[data-slug=alpha] .state").Filter(new() { HasText = "running" }).WaitForAsync(new() { Timeout = 15_000 });
        await page.EvaluateAsync("window.grovePageMarker = 42");

        host.Publish(InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("beta", 1, WorktreeState.Starting));
        await page.Locator("tr[data-slug=beta] .state").Filter(new() { HasText = "starting" }).WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal(42, await page.EvaluateAsync<int>("window.grovePageMarker"));

        await page.Locator("tr[data-slug=alpha] .gateway a").ClickAsync();
        await page.WaitForURLAsync($"http://alpha.localhost:{gateway.Port}/", new() { Timeout = 15_000 });
        Assert.StartsWith("A ", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotRunningPage_InBrowserNamesTheState()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 1, WorktreeState.Failed, "exited 5 times"));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync($"http://alpha.localhost:{gateway.Port}/");

        Assert.Equal(503, response!.Status);
        Assert.Contains("alpha is failed", await page.TitleAsync(), StringComparison.Ordinal);
    }
}
