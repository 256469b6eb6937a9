using System.Text.Json;
using Microsoft.Playwright;

namespace Grove.Gateway.Tests;

/// <summary>An app that listens beyond loopback: its warning in the agent API and, live, on the landing page.</summary>
public class WarningTests
{
    private const string Warning = "listens on 0.0.0.0:4100, reachable from the network: bind it to 127.0.0.1";

    [Fact]
    public async Task AgentApi_WorktreeWithWarning_HasItOthersNull()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 4100) with { Warning = Warning }, InMemoryHost.Worktree("beta", 4200));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}/") };

        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/_grove/worktrees", UriKind.Relative), TestContext.Current.CancellationToken));

        var bySlug = list.RootElement.EnumerateArray().ToDictionary(w => w.GetProperty("slug").GetString()!);
        Assert.Equal(Warning, bySlug["alpha"].GetProperty("warning").GetString());
        Assert.Equal(JsonValueKind.Null, bySlug["beta"].GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task LandingPage_WarningAppearsLiveUnderTheState()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 4100));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, TestContext.Current.CancellationToken);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://localhost:{gateway.Port}/");
        await page.Locator("tr[data-slug=alpha] .state").Filter(new() { HasText = "running" }).WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal(0, await page.Locator("tr[data-slug=alpha] .warning").CountAsync());

        host.Publish(InMemoryHost.Worktree("alpha", 4100) with { Warning = Warning });

        await page.Locator("tr[data-slug=alpha] .state .warning").Filter(new() { HasText = Warning }).WaitForAsync(new() { Timeout = 15_000 });
    }
}
