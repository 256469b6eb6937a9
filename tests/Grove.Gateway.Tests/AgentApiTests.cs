using Grove.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Gateway.Tests;

public class AgentApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<(InMemoryHost Host, GatewayServer Gateway, HttpClient Http)> StartAsync(params WorktreeSnapshot[] worktrees) =>
        StartAsync(new GatewayOptions { Port = 0 }, worktrees);

    private static async Task<(InMemoryHost Host, GatewayServer Gateway, HttpClient Http)> StartAsync(GatewayOptions options, params WorktreeSnapshot[] worktrees)
    {
        var host = new InMemoryHost();
        host.Publish(worktrees);
        var gateway = await GatewayServer.StartAsync(host, options, Ct);
        return (host, gateway, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}/") });
    }

    [Fact]
    public async Task List_HasLsFieldsPlusStateAndHealth()
    {
        var (_, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100), InMemoryHost.Worktree("beta", 4200, WorktreeState.Failed, "bad"));
        await using var _ = gateway;
        using var __ = http;

        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/_grove/worktrees", UriKind.Relative), Ct));

        var beta = list.RootElement.EnumerateArray().Single(w => w.GetProperty("slug").GetString() == "beta");
        Assert.Equal("failed", beta.GetProperty("state").GetString());
        Assert.Equal("bad", beta.GetProperty("stateReason").GetString());
        Assert.Equal("unknown", beta.GetProperty("health").GetString());
        Assert.Equal(4200, beta.GetProperty("port").GetInt32());
        var alpha = await http.GetFromJsonAsync<JsonElement>(new Uri("/_grove/worktrees/alpha", UriKind.Relative), Ct);
        Assert.Equal("healthy", alpha.GetProperty("health").GetString());
        using var missing = await http.GetAsync(new Uri("/_grove/worktrees/nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("alpha", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_ReturnsOnceRunningOr503WithStateOnTimeout()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100, WorktreeState.Starting));
        await using var _ = gateway;
        using var __ = http;

        using var timedOut = await http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=0.3", UriKind.Relative), Ct);
        var waiting = http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=30", UriKind.Relative), Ct);
        await Task.Delay(200, Ct);
        host.Publish(InMemoryHost.Worktree("alpha", 4100));
        using var healthy = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
        Assert.Contains("\"starting\"", await timedOut.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task Restart_ReachesTheSupervisor()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        await using var _ = gateway;
        using var __ = http;

        using var accepted = await http.PostAsync(new Uri("/_grove/worktrees/alpha/restart", UriKind.Relative), null, Ct);
        using var unknown = await http.PostAsync(new Uri("/_grove/worktrees/nope/restart", UriKind.Relative), null, Ct);
        using var badVerb = await http.PostAsync(new Uri("/_grove/worktrees/alpha/explode", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(("alpha", WorktreeCommand.Restart), Assert.Single(host.Commands));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, badVerb.StatusCode);
    }

    [Fact]
    public async Task Post_ReadAfterItsSenderGaveUp_NotCarriedOut()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        await using var _ = gateway;
        using var __ = http;

        using var late = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/reset-db", UriKind.Relative));
        late.Headers.Add(Api.ApiHeaders.Expires, DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var expired = await http.SendAsync(late, Ct);
        using var timely = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/reset-db", UriKind.Relative));
        timely.Headers.Add(Api.ApiHeaders.Expires, DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var accepted = await http.SendAsync(timely, Ct);

        Assert.Equal(HttpStatusCode.RequestTimeout, expired.StatusCode);
        Assert.Contains("nothing was done", await expired.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(("alpha", WorktreeCommand.ResetDatabase), Assert.Single(host.Commands));
    }

    [Fact]
    public async Task Worktree_ByBranchWithEscapedSlash_AndWithItsDatabase()
    {
        var options = new GatewayOptions { Port = 0 };
        var alphaWithDatabase = InMemoryHost.Worktree("alpha", 4100) with { Database = new Worktrees.WorktreeDatabase("sqlite", "alpha.db", "Data Source=/s/alpha.db") };
        var (host, gateway, http) = await StartAsync(options, alphaWithDatabase, InMemoryHost.Worktree("beta", 4200));
        await using var _ = gateway;
        using var __ = http;

        var alpha = await http.GetFromJsonAsync<JsonElement>(new Uri("/_grove/worktrees/feature%2Falpha", UriKind.Relative), Ct);
        using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("/_grove/worktrees", UriKind.Relative), Ct));
        using var restart = await http.PostAsync(new Uri("/_grove/worktrees/feature%2Fbeta/restart", UriKind.Relative), null, Ct);

        Assert.Equal("alpha", alpha.GetProperty("slug").GetString());
        Assert.Equal("alpha.db", alpha.GetProperty("database").GetProperty("name").GetString());
        Assert.Equal("sqlite", alpha.GetProperty("database").GetProperty("provider").GetString());
        Assert.Equal(JsonValueKind.Null, list.RootElement.EnumerateArray().Single(w => w.GetProperty("slug").GetString() == "beta").GetProperty("database").ValueKind);
        Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        Assert.Equal(("feature/beta", WorktreeCommand.Restart), Assert.Single(host.Commands));
    }

    [Fact]
    public async Task Logs_TailOfTheLogFile()
    {
        using var folder = new TempFolder();
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        host.LogFolder = folder.Path;
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "alpha.log"), Enumerable.Range(1, 50).Select(i => $"2026-12-01T10:00:{i % 60:00}.000Z [{(i % 2 == 0 ? "out" : "err")}] line {i}"), Ct);
        await using var _ = gateway;
        using var __ = http;

        var tail = await http.GetStringAsync(new Uri("/_grove/worktrees/alpha/logs?tail=3", UriKind.Relative), Ct);
        using var word = await http.GetAsync(new Uri("/_grove/worktrees/alpha/logs?tail=abc", UriKind.Relative), Ct);
        using var negative = await http.GetAsync(new Uri("/_grove/worktrees/alpha/logs?tail=-3", UriKind.Relative), Ct);
        using var badWait = await http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=soon", UriKind.Relative), Ct);

        Assert.Equal("2026-12-01T10:00:48.000Z [out] line 48\n2026-12-01T10:00:49.000Z [err] line 49\n2026-12-01T10:00:50.000Z [out] line 50\n", tail);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (word.StatusCode, negative.StatusCode, badWait.StatusCode));
        Assert.Contains("tail=abc is not valid", await word.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("timeout=soon is not valid", await badWait.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_StreamSnapshotsAsTheyChange()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        await using var _ = gateway;
        using var __ = http;

        using var response = await http.GetAsync(new Uri("/_grove/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var first = await reader.ReadLineAsync(Ct);
        host.Publish(InMemoryHost.Worktree("alpha", 4100), InMemoryHost.Worktree("beta", 4200));
        string? second = null;
        while (second is null || !second.StartsWith("data:", StringComparison.Ordinal))
        {
            second = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"alpha\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain("\"beta\"", first, StringComparison.Ordinal);
        Assert.Contains("\"beta\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Steering_FromAnotherSitesPage_Refused()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        await using var _ = gateway;
        using var __ = http;

        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/restart", UriKind.Relative));
        forged.Headers.Add("Origin", "https://evil.example");
        using var refused = await http.SendAsync(forged, Ct);
        using var fetchSite = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/stop", UriKind.Relative));
        fetchSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var refusedToo = await http.SendAsync(fetchSite, Ct);
        using var otherPort = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/stop", UriKind.Relative));
        otherPort.Headers.Add("Origin", $"http://localhost:{gateway.Port + 1}"); // another local dev server's page
        using var refusedAsWell = await http.SendAsync(otherPort, Ct);
        using var ownPage = new HttpRequestMessage(HttpMethod.Post, new Uri("/_grove/worktrees/alpha/restart", UriKind.Relative));
        ownPage.Headers.Add("Origin", $"http://localhost:{gateway.Port}");
        using var accepted = await http.SendAsync(ownPage, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedToo.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedAsWell.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(("alpha", WorktreeCommand.Restart), Assert.Single(host.Commands));
    }

    [Fact]
    public async Task Wait_OnAppStoppedForAReason_AnswersAtOnce()
    {
        var (_, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100, WorktreeState.Stopped, "stopped on request"));
        await using var _ = gateway;
        using var __ = http;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=30", UriKind.Relative), Ct);
        using var badTimeout = await http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=nan", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"waited {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.BadRequest, badTimeout.StatusCode);
    }

    [Fact]
    public async Task Wait_WhoseNameTurnsAmbiguous_NeverBreaksPublishing()
    {
        var (host, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100, WorktreeState.Stopped));
        await using var _ = gateway;
        using var __ = http;
        var waiting = http.GetAsync(new Uri("/_grove/worktrees/alpha/wait?timeout=5", UriKind.Relative), Ct);
        await Task.Delay(300, Ct);
        var confusing = InMemoryHost.Worktree("other", 4200) with { Branch = "alpha" };

        host.Publish(InMemoryHost.Worktree("alpha", 4100, WorktreeState.Stopped), confusing);
        host.Publish(InMemoryHost.Worktree("alpha", 4100), confusing with { State = WorktreeState.Starting });
        using var answered = await waiting.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(WorktreeState.Starting, host.Current!.Worktrees[1].State);
        Assert.Equal(HttpStatusCode.NotFound, answered.StatusCode);
    }

    [Fact]
    public async Task UnknownApiPath_JsonNotFound()
    {
        var (_, gateway, http) = await StartAsync();
        await using var _ = gateway;
        using var __ = http;

        using var response = await http.GetAsync(new Uri("/_grove/nothing", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such agent API path", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_OpenStream_DoesNotHoldUpShutdown()
    {
        var (_, gateway, http) = await StartAsync(InMemoryHost.Worktree("alpha", 4100));
        using var __ = http;
        using var response = await http.GetAsync(new Uri("/_grove/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await gateway.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"shutdown took {clock.Elapsed} with an event stream open");
    }
}
