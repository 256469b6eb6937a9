using System.Diagnostics;
using System.Text.Json.Nodes;
using Grove.Tests.Supervision;
using Grove.Hosting;
using Grove.Processes;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Hosting;

public class GroveHostTests
{
    private static readonly TimeSpan Healthy = TestSupervision.Healthy;
    private static readonly SupervisorOptions Fast = TestSupervision.Fast;

    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static Task<GroveHost> OpenAsync(TestRepository repo) =>
        GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary, Supervision = Fast, CommandTimeout = Healthy }, Within(Bounded.Git));

    private static bool Running(RepositorySnapshot s, string slug) => s.Worktrees.Any(w => w.Slug == slug && w.State == WorktreeState.Running);

    [Fact]
    public async Task Watch_SubscribersThatNeverReadOrThrow_DoNotDelayAnotherOrTheEngine()
    {
        using var repo = AppRepository.Create();
        await using var host = await OpenAsync(repo);
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));

        await using var stalled = host.WatchAsync(Within(Healthy)).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await stalled.MoveNextAsync()); // reads once, then never again
        var throwing = Task.Run(async () =>
        {
            await foreach (var _ in host.WatchAsync(Within(Healthy)))
            {
                throw new InvalidOperationException("a subscriber that fails");
            }
        }, TestContext.Current.CancellationToken);
        var seen = new List<(WorktreeState State, long Ticks)>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in host.WatchAsync(stop.Token))
                {
                    lock (seen)
                    {
                        seen.Add((snapshot.Worktrees[0].State, Stopwatch.GetTimestamp()));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Done watching.
            }
        }, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => throwing);
        while (true)
        {
            lock (seen)
            {
                if (seen.Count > 0)
                {
                    break; // subscribed
                }
            }

            await Task.Delay(10, Within(Healthy));
        }

        var delays = new List<TimeSpan>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (command, shows) in new[] { (WorktreeCommand.Stop, WorktreeState.Stopping), (WorktreeCommand.Start, WorktreeState.Pending) })
            {
                var asked = Stopwatch.GetTimestamp();
                var result = await host.ExecuteAsync("main", command, waitForEffect: true, Within(Healthy));
                Assert.True(result.Succeeded, result.ToString());
                lock (seen)
                {
                    var first = seen.FirstOrDefault(s => s.Ticks >= asked && s.State == shows);
                    Assert.True(first.Ticks != 0, $"{command}: {shows} never seen; seen: {string.Join(", ", seen.Select(s => $"{s.State}@{Stopwatch.GetElapsedTime(asked, s.Ticks).TotalMilliseconds:0}"))}");
                    delays.Add(Stopwatch.GetElapsedTime(asked, first.Ticks));
                }
            }
        }

        await stop.CancelAsync();
        await watching;
        delays.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"a state change reached the reading subscriber after {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:0.0} ms"))} (sorted)");
        Assert.True(delays[delays.Count / 2] < TimeSpan.FromMilliseconds(100), $"a state change reached the reading subscriber after {string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:0.0} ms"))}");
    }

    [Fact]
    public async Task Watch_VersionsOnlyGrow()
    {
        using var repo = AppRepository.Create();
        await using var host = await OpenAsync(repo);
        var versions = new List<long>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in host.WatchAsync(stop.Token))
                {
                    versions.Add(snapshot.Version);
                }
            }
            catch (OperationCanceledException)
            {
                // Done watching.
            }
        }, TestContext.Current.CancellationToken);

        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));
        Assert.True((await host.ExecuteAsync("main", WorktreeCommand.Restart, cancellationToken: Within(Healthy))).Succeeded);
        await stop.CancelAsync();
        await watching;

        Assert.True(versions.Count >= 3, $"versions seen: {string.Join(", ", versions)}");
        Assert.All(versions.Zip(versions.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} after {pair.First}"));
    }

    [Fact]
    public async Task WatchLogs_GivesHistoryThenLiveLines()
    {
        using var repo = AppRepository.Create();
        await using var host = await OpenAsync(repo);
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));

        var subscribed = DateTimeOffset.UtcNow;
        await using var lines = host.WatchLogsAsync("main", history: 3, Within(Healthy)).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var history = new List<LogLine>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await lines.MoveNextAsync());
            history.Add(lines.Current);
        }

        var restarted = host.ExecuteAsync("main", WorktreeCommand.Restart, waitForEffect: false, Within(Healthy));
        var live = new List<LogLine>();
        while (!live.Any(l => l.Text.Contains("restart requested", StringComparison.Ordinal)))
        {
            Assert.True(await lines.MoveNextAsync());
            live.Add(lines.Current);
        }

        Assert.True((await restarted).Succeeded);
        Assert.All(history, line => Assert.True(line.Timestamp <= subscribed, $"history line {line} is after the subscription"));
        Assert.Contains(history, line => line.Text.Contains("state Running", StringComparison.Ordinal));
        Assert.All(live, line => Assert.True(line.Timestamp >= subscribed.AddMilliseconds(-1)));
        Assert.Contains(live, line => line.Source == LogSource.Grove);
        var read = host.ReadLog("main", WorktreeLog.TailSize);
        Assert.Equal(history.Select(l => l.ToString()), read.SkipWhile(l => l != history[0]).Take(3).Select(l => l.ToString())); // the same lines, in order
    }

    [Fact]
    public async Task Commands_ReturnDoneRefusedOrFailedWithTheReason()
    {
        using var repo = AppRepository.Create();
        await using var host = await OpenAsync(repo);
        var notStarted = await host.ExecuteAsync("main", WorktreeCommand.Restart, cancellationToken: Within(Healthy));
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));

        var start = await host.ExecuteAsync("main", WorktreeCommand.Start, cancellationToken: Within(Healthy));
        var stop = await host.ExecuteAsync("main", WorktreeCommand.Stop, cancellationToken: Within(Healthy));
        var stopAgain = await host.ExecuteAsync("main", WorktreeCommand.Stop, cancellationToken: Within(Healthy));
        var reset = await host.ExecuteAsync("main", WorktreeCommand.ResetDatabase, cancellationToken: Within(Healthy));
        var unknown = await host.ExecuteAsync("no-such", WorktreeCommand.Restart, cancellationToken: Within(Healthy));
        var startAgain = await host.ExecuteAsync("main", WorktreeCommand.Start, cancellationToken: Within(Healthy));

        Assert.Equal(CommandOutcome.Refused, notStarted.Outcome);
        Assert.Equal(CommandOutcome.Refused, start.Outcome);
        Assert.Contains("already running", start.Message, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Done, stop.Outcome);
        Assert.Equal(WorktreeState.Stopped, stop.Worktree!.State);
        Assert.Equal(CommandOutcome.Refused, stopAgain.Outcome);
        Assert.Equal(CommandOutcome.Refused, reset.Outcome);
        Assert.Contains("configures no database", reset.Message, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Refused, unknown.Outcome);
        Assert.Contains("known slugs: main", unknown.Fix, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Done, startAgain.Outcome);
        Assert.Equal(WorktreeState.Running, startAgain.Worktree!.State);
    }

    [Fact]
    public async Task CreateAndRemove_ThroughTheHost_LeaveNothingBehind()
    {
        using var repo = AppRepository.Create();
        AddSqliteDatabase(repo);
        await using var host = await OpenAsync(repo);
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));

        var created = await host.CreateWorktreeAsync(new CreateWorktreeRequest("feature/through-host"), null, Within(Healthy));
        Assert.True(created.Succeeded, created.ToString());
        var worktree = created.Worktree!;
        var running = (await host.WaitForAsync(s => Running(s, worktree.Slug), Within(Healthy))).Find(worktree.Slug)!;
        var databaseFile = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(running.Database!.Connection).DataSource;
        var logFile = LogFiles.PathFor(new Grove.State.StateStore(repo.CommonGitDirectory), worktree.Slug);
        Assert.True(File.Exists(logFile));
        File.WriteAllText(Path.Combine(worktree.Path, "work.txt"), "not committed");

        var refused = await host.RemoveWorktreeAsync(new RemoveWorktreeRequest(worktree.Slug), null, Within(Healthy));
        var stillRunning = host.Current!.Find(worktree.Slug)!.State;
        File.Delete(Path.Combine(worktree.Path, "work.txt"));
        var removed = await host.RemoveWorktreeAsync(new RemoveWorktreeRequest(worktree.Slug), null, Within(Healthy));
        await host.WaitForAsync(s => s.Find(worktree.Slug) is null, Within(TimeSpan.FromSeconds(10)));

        Assert.Equal(CommandOutcome.Refused, refused.Outcome);
        Assert.Contains("uncommitted or untracked changes: work.txt", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WorktreeState.Running, stillRunning);
        Assert.True(removed.Succeeded, removed.ToString());
        Assert.Contains("dropped", removed.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(worktree.Path));
        Assert.DoesNotContain(new Grove.State.LeaseStore(new Grove.State.StateStore(repo.CommonGitDirectory)).ReadAll(), l => l.Path == worktree.Path);
        Assert.False(File.Exists(databaseFile), $"{databaseFile} is left");
        Assert.False(File.Exists(logFile), $"{logFile} is left");
        Assert.True(Grove.Ports.PortProbe.IsFree(worktree.Port));
    }

    [Fact]
    public async Task ListJson_ShowsWhatTheHostPublished_AtEachChange()
    {
        using var repo = AppRepository.Create();
        AddSqliteDatabase(repo);
        await using var host = await OpenAsync(repo);
        await using var reader = await OpenAsync(repo); // what 'grove ls --json' reads, in another process: the state store
        var published = new List<string>();
        var listed = new List<(int Index, string Json)>();
        long lastSeen = 0;
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in host.WatchAsync(stop.Token))
                {
                    var seen = Json(snapshot.Worktrees[0]);
                    var read = Json((await reader.SnapshotAsync(stop.Token)).Worktrees[0]);
                    lock (published)
                    {
                        published.Add(seen);
                        listed.Add((published.Count - 1, read));
                        lastSeen = snapshot.Version;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Done watching.
            }
        }, TestContext.Current.CancellationToken);

        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => Running(s, "main"), Within(Healthy));
        Assert.True((await host.ExecuteAsync("main", WorktreeCommand.Stop, cancellationToken: Within(Healthy))).Succeeded);
        Assert.True((await host.ExecuteAsync("main", WorktreeCommand.Start, cancellationToken: Within(Healthy))).Succeeded);
        var caughtUp = Within(Healthy);
        while (Interlocked.Read(ref lastSeen) < host.Current!.Version)
        {
            await Task.Delay(20, caughtUp); // each check reads the state store (a git process): let them finish
        }

        await stop.CancelAsync();
        await watching;

        lock (published)
        {
            // The state store is written before a snapshot is published and read right after it
            // arrives, so what ls shows is that snapshot, or a later one when the app moved on meanwhile:
            // state, reason, database, step and start time alike.
            var wrong = listed.Where(l => !published.Skip(l.Index).Contains(l.Json)).Select(l => $"after v{l.Index}: ls {l.Json}\n host {published[l.Index]}").ToList();
            Assert.True(published.Count >= 8, $"only {published.Count} snapshots");
            Assert.Contains(published, p => p.Contains("\"step\":{\"name\":\"database\"", StringComparison.Ordinal));
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        }
    }

    private static string Json(WorktreeSnapshot worktree) =>
        System.Text.Json.JsonSerializer.Serialize(Grove.Contracts.WorktreeJson.From(worktree), Grove.Contracts.ContractJson.Compact.WorktreeJson);

    private static void AddSqliteDatabase(TestRepository repo)
    {
        var path = Path.Combine(repo.Primary, "grove.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["database"] = new JsonObject { ["provider"] = "sqlite", ["name"] = "app", ["seed"] = "seed.sql" };
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('seeded');");
        File.WriteAllText(path, config.ToJsonString());
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "a database");
    }
}
