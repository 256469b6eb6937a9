using System.Net;
using System.Net.Http.Json;
using Grove.Processes;

namespace Notes.Tests;

/// <summary>The sample app as Grove runs it: a real process, its environment set the way Grove sets it.</summary>
public class NotesAppTests
{
    private static async Task<(ChildProcess App, HttpClient Http)> StartAsync(string branch, string database, Dictionary<string, string?>? extra = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["GROVE_BRANCH"] = branch,
            ["GROVE_SLUG"] = "test",
            ["ConnectionStrings__app"] = $"Data Source={database}",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        var spec = new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "Notes.dll")], AppContext.BaseDirectory)
        {
            Environment = environment,
        };
        var app = ChildProcess.Start(spec, (_, _) => { });
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Bounded.Process;
        while (true)
        {
            try
            {
                using var health = await http.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return (app, http);
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !app.Exited.IsCompleted)
            {
            }

            Assert.True(DateTime.UtcNow < deadline && !app.Exited.IsCompleted, "the sample app did not become healthy");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Page_ShowsItsBranchAndSeededNotes()
    {
        using var folder = new TempFolder();
        var (app, http) = await StartAsync("feature/<b>&\"quoted\"", Path.Combine(folder.Path, "notes.db"));
        await using var _ = app;
        using var __ = http;

        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("feature/&lt;b&gt;&amp;&quot;quoted&quot;", page, StringComparison.Ordinal);
        Assert.Contains("Welcome: every worktree", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Api_AddedNote_KeptInItsOwnDatabaseOnly()
    {
        using var folder = new TempFolder();
        var (first, firstHttp) = await StartAsync("a", Path.Combine(folder.Path, "a.db"));
        var (second, secondHttp) = await StartAsync("b", Path.Combine(folder.Path, "b.db"));
        await using var _ = first;
        await using var __ = second;
        using var ___ = firstHttp;
        using var ____ = secondHttp;

        using var created = await firstHttp.PostAsJsonAsync(new Uri("/api/notes", UriKind.Relative), new { text = "only in a" }, TestContext.Current.CancellationToken);
        var inA = await firstHttp.GetStringAsync(new Uri("/api/notes", UriKind.Relative), TestContext.Current.CancellationToken);
        var inB = await secondHttp.GetStringAsync(new Uri("/api/notes", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("only in a", inA, StringComparison.Ordinal);
        Assert.DoesNotContain("only in a", inB, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_EmptyNote_Refused()
    {
        using var folder = new TempFolder();
        var (app, http) = await StartAsync("main", Path.Combine(folder.Path, "notes.db"));
        await using var _ = app;
        using var __ = http;

        using var response = await http.PostAsJsonAsync(new Uri("/api/notes", UriKind.Relative), new { text = " " }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Telemetry_WithOtlpEndpoint_ExportsTracesAndMetrics()
    {
        using var folder = new TempFolder();
        var collectorPort = FreePort.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        var received = new List<string>();
        var serving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                lock (received)
                {
                    received.Add(context.Request.Url!.AbsolutePath);
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }, TestContext.Current.CancellationToken);
        var (app, http) = await StartAsync("main", Path.Combine(folder.Path, "notes.db"), new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
        });
        await using var _ = app;
        using var __ = http;

        await http.GetStringAsync(new Uri("/api/notes", UriKind.Relative), TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        bool Got(string path)
        {
            lock (received)
            {
                return received.Contains(path);
            }
        }

        while (!(Got("/v1/traces") && Got("/v1/metrics")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        collector.Stop();
        Assert.True(Got("/v1/traces"), "no traces reached the OTLP collector");
        Assert.True(Got("/v1/metrics"), "no metrics reached the OTLP collector");
    }
}
