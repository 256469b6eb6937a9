using System.Net;
using Grove.Worktrees;

namespace Grove.Gateway.Tests;

public class RoutingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_EachSlug_ReachesItsOwnBackend()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("beta", b.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        var fromA = await http.GetStringAsync(new Uri($"http://alpha.localhost:{gateway.Port}/"), Ct);
        var fromB = await http.GetStringAsync(new Uri($"http://beta.localhost:{gateway.Port}/"), Ct);

        Assert.StartsWith("A ", fromA, StringComparison.Ordinal);
        Assert.StartsWith("B ", fromB, StringComparison.Ordinal);
        Assert.Contains($"forwarded-host=alpha.localhost:{gateway.Port}", fromA, StringComparison.Ordinal);
        Assert.Contains($"host=127.0.0.1:{a.Port}", fromA, StringComparison.Ordinal);
    }
}
