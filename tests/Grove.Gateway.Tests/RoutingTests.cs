using System.Net;
using System.Net.WebSockets;
using System.Text;
using Grove.Worktrees;

namespace Grove.Gateway.Tests;

public class RoutingTests
{
    private static readonly string[] Slugs = ["alpha", "beta", "gamma"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Uri At(string host, int port, string path = "/") => new($"http://{host}:{port}{path}");

    [Fact]
    public async Task Host_EachSlug_ReachesItsOwnBackend()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("beta", b.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        var fromA = await http.GetStringAsync(At("alpha.localhost", gateway.Port), Ct);
        var fromB = await http.GetStringAsync(At("beta.localhost", gateway.Port), Ct);

        Assert.StartsWith("A ", fromA, StringComparison.Ordinal);
        Assert.StartsWith("B ", fromB, StringComparison.Ordinal);
        Assert.Contains($"forwarded-host=alpha.localhost:{gateway.Port}", fromA, StringComparison.Ordinal);
        Assert.Contains("forwarded-for=127.0.0.1", fromA, StringComparison.Ordinal);
        Assert.Contains($"host=127.0.0.1:{a.Port}", fromA, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routes_ChurnUnderLoad_NoRequestEverReachesAnotherWorktree()
    {
        await using var a = await Backend.StartAsync("alpha");
        await using var b = await Backend.StartAsync("beta");
        await using var c = await Backend.StartAsync("gamma");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("beta", b.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var churn = Task.Run(async () =>
        {
            var flip = false;
            while (!stop.IsCancellationRequested)
            {
                flip = !flip;
                host.Publish(flip
                    ? [InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("beta", b.Port), InMemoryHost.Worktree("gamma", c.Port)]
                    : [InMemoryHost.Worktree("alpha", a.Port), InMemoryHost.Worktree("gamma", c.Port)]);
                await Task.Delay(5, CancellationToken.None);
            }
        }, Ct);
        var wrong = 0;
        var served = 0;
        var workers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var http = GatewayClient.For(gateway.Port);
            var slug = Slugs[i % 3];
            while (!stop.IsCancellationRequested)
            {
                using var response = await http.GetAsync(At($"{slug}.localhost", gateway.Port, "/who"), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref served);
                    if (await response.Content.ReadAsStringAsync(CancellationToken.None) != slug)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // beta, while it is gone
                }
            }
        }, Ct)).ToList();

        await Task.WhenAll([churn, .. workers]).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(0, wrong);
        Assert.True(served > 100, $"only {served} requests were served");
    }

    [Fact]
    public async Task WebSocket_EchoesThroughGateway()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var invoker = new HttpMessageInvoker(GatewayClient.Handler(gateway.Port));
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri($"ws://alpha.localhost:{gateway.Port}/ws"), invoker, Ct);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, Ct);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, Ct);

        Assert.Equal("A:hello", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
    }

    [Fact]
    public async Task StreamedResponse_ArrivesInChunks()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var response = await http.GetAsync(At("alpha.localhost", gateway.Port, "/stream"), HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var first = await reader.ReadLineAsync(Ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rest = await reader.ReadToEndAsync(Ct);

        Assert.Equal("chunk 0", first);
        Assert.Contains("chunk 4", rest, StringComparison.Ordinal);
        Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(250), "the first chunk came only with the last: the response was buffered");
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.2")]
    public async Task ForeignHost_RefusedWith400_HttpAndWebSocket(string foreign)
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var plain = await http.GetAsync(At(foreign, gateway.Port), Ct);
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, At(foreign, gateway.Port, "/ws"));
        upgrade.Headers.Connection.Add("Upgrade");
        upgrade.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        upgrade.Headers.Add("Sec-WebSocket-Version", "13");
        upgrade.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        using var ws = await http.SendAsync(upgrade, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ws.StatusCode);
        Assert.Contains("DNS rebinding", await plain.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredHostName_ReachesTheGatewaysOwnPages()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 1));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0, ExtraHostNames = ["grove.test"] }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var configured = await http.GetAsync(At("grove.test", gateway.Port, "/_grove/worktrees"), Ct);
        using var other = await http.GetAsync(At("other.test", gateway.Port, "/_grove/worktrees"), Ct);

        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task UnknownSlug_404ListingKnownWorktrees()
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 1));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var response = await http.GetAsync(At("nope.localhost", gateway.Port), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"http://alpha.localhost:{gateway.Port}/", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WorktreeState.Starting)]
    [InlineData(WorktreeState.Failed)]
    [InlineData(WorktreeState.Stopped)]
    public async Task AppNotRunning_503NamingItsState(WorktreeState state)
    {
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", 1, state, "because <reasons>"));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var response = await http.GetAsync(At("alpha.localhost", gateway.Port), Ct);
        var page = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains(Grove.Contracts.WorktreeStateNames.Of(state), page, StringComparison.Ordinal);
        Assert.Contains("because &lt;reasons&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostWithFinalDot_RoutesLikeWithout()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        var page = await http.GetStringAsync(At("alpha.localhost.", gateway.Port, "/who"), Ct);

        Assert.Equal("A", page);
    }

    [Fact]
    public async Task BackendDown_502PageNamesTheWorktree()
    {
        int closedPort;
        await using (var gone = await Backend.StartAsync("gone"))
        {
            closedPort = gone.Port;
        }

        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", closedPort));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var response = await http.GetAsync(At("alpha.localhost", gateway.Port), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("grove logs alpha", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendSlow_504()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0, BackendTimeout = TimeSpan.FromMilliseconds(500) }, Ct);
        using var http = GatewayClient.For(gateway.Port);

        using var response = await http.GetAsync(At("alpha.localhost", gateway.Port, "/slow?ms=5000"), Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task ClientAbort_CancelsTheBackendRequest()
    {
        await using var a = await Backend.StartAsync("A");
        var host = new InMemoryHost();
        host.Publish(InMemoryHost.Worktree("alpha", a.Port));
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);
        using var http = GatewayClient.For(gateway.Port, TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.GetAsync(At("alpha.localhost", gateway.Port, "/slow?ms=10000"), Ct));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (a.Aborted == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(1, a.Aborted);
    }

    [Fact]
    public async Task Listener_IsOnLoopbackOnly()
    {
        var host = new InMemoryHost();
        host.Publish();
        await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = 0 }, Ct);

        var listening = ListeningAddresses(gateway.Port);

        Assert.NotEmpty(listening);
        Assert.All(listening, address => Assert.True(IPAddress.IsLoopback(address), $"listening on {address}"));
    }

    /// <summary>The local addresses of sockets listening on <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    internal static List<IPAddress> ListeningAddresses(int port)
    {
        var found = new List<IPAddress>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || Convert.ToInt32(local[1], 16) != port)
                {
                    continue; // not LISTEN, or another port
                }

                var bytes = Convert.FromHexString(local[0]);
                for (var i = 0; i < bytes.Length; i += 4)
                {
                    Array.Reverse(bytes, i, 4); // /proc prints each 32-bit word in host (little-endian) order
                }

                found.Add(new IPAddress(bytes));
            }
        }

        return found;
    }
}
