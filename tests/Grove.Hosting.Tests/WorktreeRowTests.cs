using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Grove.Hosting.Tests;

/// <summary>The worktrees of a repository as dashboard rows: states, URLs, properties, logs, telemetry, coming and going.</summary>
[Collection(SharedAppHost.Name)]
public sealed class WorktreeRowTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Worktrees_ShowAsRunningRowsNestedUnderTheRepository_WithGatewayAndDirectUrls()
    {
        var main = await Rows.WaitAsync(fixture.App, "main", r => r.State == "Running");
        var feature = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running");

        foreach (var row in new[] { main, feature })
        {
            Assert.Equal("Worktree", row.Snapshot.ResourceType);
            Assert.Equal("grove", row.Property("resource.parentName"));
            Assert.Equal("success", row.Snapshot.State?.Style);
            Assert.NotNull(row.Snapshot.StartTimeStamp);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", row.Url("direct"));
            Assert.StartsWith($"http://{row.Name}.localhost:", row.Url("gateway"), StringComparison.Ordinal);
            Assert.Contains("sqlite: ", row.Property("grove.database"), StringComparison.Ordinal);
            Assert.DoesNotContain("assword", row.Property("grove.database.connection") ?? string.Empty, StringComparison.Ordinal);
        }

        Assert.Equal("main", main.Property("grove.branch"));
        Assert.Equal("feature/one", feature.Property("grove.branch"));
        Assert.Equal(fixture.Feature, feature.Property("grove.path"));
        var gateway = await Rows.WaitAsync(fixture.App, "grove-gateway", r => r.State == "Running");
        Assert.Matches(@"^http://localhost:\d+/$", gateway.Url("landing"));
        await Rows.WaitAsync(fixture.App, "grove", r => r.State == "Watching");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var answer = await http.GetStringAsync(new Uri($"{feature.Url("direct")}/"), TestContext.Current.CancellationToken);
        Assert.Contains("slug=feature-one", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitWorktreeAdd_AppearsAsARowWithinTwoSeconds_AndGitWorktreeRemove_HidesIt()
    {
        var folder = Path.Combine(fixture.Repository.Root, "added");
        var clock = Stopwatch.StartNew();
        fixture.Repository.Git(fixture.Repository.Primary, "worktree", "add", "-q", "-b", "added", folder);
        await Rows.WaitAsync(fixture.App, "added", r => !r.Snapshot.IsHidden, TimeSpan.FromSeconds(10));
        var appeared = clock.Elapsed;
        Assert.True(appeared < TimeSpan.FromSeconds(2), $"the new worktree's row appeared after {appeared.TotalMilliseconds:F0} ms");
        // Its app runs too (a worktree seen before git wrote its grove.json is tried again once it is there).
        await Rows.WaitAsync(fixture.App, "added", r => r.State == "Running", TimeSpan.FromSeconds(90));

        fixture.Repository.Git(fixture.Repository.Primary, "worktree", "remove", "--force", folder);
        var removed = await Rows.WaitAsync(fixture.App, "added", r => r.Snapshot.IsHidden, TimeSpan.FromSeconds(30));
        Assert.Empty(removed.Snapshot.Urls);

        fixture.Repository.Git(fixture.Repository.Primary, "worktree", "add", "-q", folder, "added");
        var again = await Rows.WaitAsync(fixture.App, "added", r => !r.Snapshot.IsHidden, TimeSpan.FromSeconds(10));
        Assert.Equal("added", again.Property("grove.branch"));
        fixture.Repository.Git(fixture.Repository.Primary, "worktree", "remove", "--force", folder);
        await Rows.WaitAsync(fixture.App, "added", r => r.Snapshot.IsHidden, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ConsoleLogs_CarryTheAppsOutputAndGrovesLines_HistoryIncluded()
    {
        await Rows.WaitAsync(fixture.App, "main", r => r.State == "Running");
        var logs = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        await foreach (var batch in logs.WatchAsync("main").WithCancellation(limit.Token))
        {
            seen.AddRange(batch.Select(l => l.Content));
            if (seen.Any(l => l.Contains("test app: listening for main", StringComparison.Ordinal)) && seen.Any(l => l.Contains("[grove]", StringComparison.Ordinal)))
            {
                break;
            }
        }

        Assert.Contains(seen, l => l.Contains("test app: listening for main", StringComparison.Ordinal));
        Assert.Contains(seen, l => l.Contains("[grove]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apps_GetTheDashboardsOtlpEndpoint_AndTheirRowsNameAsServiceName()
    {
        var feature = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(fixture.OtlpUrl.ToString().TrimEnd('/'), (await http.GetStringAsync(new Uri($"{feature.Url("direct")}/env/OTEL_EXPORTER_OTLP_ENDPOINT"), ct)).TrimEnd('/'));
        Assert.Equal("grpc", await http.GetStringAsync(new Uri($"{feature.Url("direct")}/env/OTEL_EXPORTER_OTLP_PROTOCOL"), ct));
        Assert.Equal("feature-one", await http.GetStringAsync(new Uri($"{feature.Url("direct")}/env/OTEL_SERVICE_NAME"), ct));
        Assert.Equal("service.instance.id=feature-one", await http.GetStringAsync(new Uri($"{feature.Url("direct")}/env/OTEL_RESOURCE_ATTRIBUTES"), ct));
    }

    [Fact]
    public async Task BrokenGroveJson_ShowsOnTheRepositoryRow_UntilItIsFixed()
    {
        await Rows.WaitAsync(fixture.App, "grove", r => r.State == "Watching");
        var path = Path.Combine(fixture.Repository.Primary, "grove.json");
        var good = File.ReadAllText(path);
        try
        {
            File.WriteAllText(path, good.Replace("\"ports\"", "\"portz\"", StringComparison.Ordinal));
            var broken = await Rows.WaitAsync(fixture.App, "grove", r => r.State == "Config error", TimeSpan.FromSeconds(30));
            Assert.Equal("error", broken.Snapshot.State?.Style);
            Assert.Contains("portz", broken.Property("grove.reason"), StringComparison.Ordinal);
            Assert.Equal("Running", (await Rows.WaitAsync(fixture.App, "main", _ => true)).State); // the last good config keeps running
        }
        finally
        {
            File.WriteAllText(path, good);
        }

        var fixedRow = await Rows.WaitAsync(fixture.App, "grove", r => r.State == "Watching", TimeSpan.FromSeconds(30));
        Assert.Null(fixedRow.Property("grove.reason"));
    }
}
