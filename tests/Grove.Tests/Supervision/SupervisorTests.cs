using Grove.Hosting;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grove.Ports;
using Grove.Processes;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

public class SupervisorTests
{
    private static readonly TimeSpan Healthy = TestSupervision.Healthy;
    private static readonly SupervisorOptions Fast = TestSupervision.Fast;

    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static bool AllRunning(RepositorySnapshot s, int count) =>
        s.Worktrees.Length == count && s.Worktrees.All(w => w.State == WorktreeState.Running);

    private static async Task<string> GetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_ThreeWorktrees_EachAnswersOnItsOwnPortWithItsOwnBranch()
    {
        using var repo = AppRepository.Create();
        repo.AddWorktree("feature/one");
        repo.AddWorktree("feature/two");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);

        await supervisor.StartAsync(Within(Bounded.Process));
        var snapshot = await supervisor.WaitForAsync(s => AllRunning(s, 3), Within(Healthy));

        Assert.Equal(3, snapshot.Worktrees.Select(w => w.Port).Distinct().Count());
        foreach (var worktree in snapshot.Worktrees)
        {
            var page = await GetAsync(worktree.Url);
            Assert.Contains($"branch={worktree.Branch} ", page, StringComparison.Ordinal);
            Assert.Contains($"port={worktree.Port}", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Up_WorktreeAddedAndRemovedWhileRunning_StartedThenStoppedAndPortFreed()
    {
        using var repo = AppRepository.Create();
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));

        var clock = Stopwatch.StartNew();
        var folder = repo.AddWorktree("feature/late");
        var added = await supervisor.WaitForAsync(s => AllRunning(s, 2), Within(Healthy));
        var healthyAfter = clock.Elapsed;
        var late = added.Find("feature/late")!;
        Assert.Contains("branch=feature/late", await GetAsync(late.Url), StringComparison.Ordinal);

        repo.Git(repo.Primary, "worktree", "remove", folder);
        await supervisor.WaitForAsync(s => s.Find("feature/late") is null, Within(TimeSpan.FromSeconds(10)));

        Assert.True(healthyAfter < TimeSpan.FromSeconds(30), $"healthy after {healthyAfter}");
        await AssertEventuallyAsync(() => PortProbe.IsFree(late.Port), "the removed worktree's port is still bound");
    }

    [Fact]
    public async Task Up_BranchSwitchInsideWorktree_RestartsItsApp()
    {
        using var repo = AppRepository.Create();
        var folder = repo.AddWorktree("feature/before");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        var before = (await supervisor.WaitForAsync(s => AllRunning(s, 2), Within(Healthy))).Find("feature/before")!;

        repo.Git(folder, "switch", "-q", "-c", "feature/after");

        var after = (await supervisor.WaitForAsync(s => s.Find("feature/after")?.State == WorktreeState.Running, Within(Healthy))).Find("feature/after")!;
        Assert.Contains("branch=feature/after", await GetAsync(after.Url), StringComparison.Ordinal);
        Assert.Equal(before.Path, after.Path);
    }

    [Fact]
    public async Task Stop_ChildIgnoringSigterm_KilledAfterGraceThenStopped()
    {
        using var repo = AppRepository.Create("--ignore-sigterm");
        var supervisor = new Supervisor(repo.Catalog(), Fast with { StopGrace = TimeSpan.FromSeconds(1) });
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));
        var pid = repo.Runs().ReadAll().Single().Process!;

        var clock = Stopwatch.StartNew();
        await supervisor.DisposeAsync().AsTask().WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"stopped after {clock.Elapsed}, before the grace period");
        Assert.False(pid.IsAlive(), "the app that ignored SIGTERM still runs");
        Assert.Contains("ignoring SIGTERM", File.ReadAllText(LogFiles.PathFor(repo.Catalog().Store, "main")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_AppThatLeftAChild_WholeGroupGone()
    {
        using var repo = AppRepository.Create("--spawn-child");
        var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));
        var childPid = int.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "child-main.pid")), System.Globalization.CultureInfo.InvariantCulture);
        var child = ProcessIdentity.Read(childPid)!;

        await supervisor.DisposeAsync().AsTask().WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);

        Assert.False(child.IsAlive(), "the app's child outlived the stop");
    }

    [Fact]
    public async Task Up_PortHeldByForeignProgram_ThatWorktreeFailsWithReasonOthersRun()
    {
        using var repo = AppRepository.Create();
        repo.AddWorktree("feature/blocked");
        repo.AddWorktree("feature/free");
        var leased = await repo.Catalog().SnapshotAsync(Within(Bounded.Process));
        var blockedPort = leased.Find("feature/blocked")!.Port;
        using var foreign = new TcpListener(IPAddress.Loopback, blockedPort);
        foreign.Start();
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);

        await supervisor.StartAsync(Within(Bounded.Process));
        var snapshot = await supervisor.WaitForAsync(
            s => s.Find("feature/blocked")?.State == WorktreeState.Failed && s.Worktrees.Count(w => w.State == WorktreeState.Running) == 2,
            Within(Healthy));

        Assert.Contains($"port {blockedPort} is held by another program", snapshot.Find("feature/blocked")!.StateReason, StringComparison.Ordinal);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, blockedPort, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_AppThatKeepsCrashing_EndsFailedWithReasonNeverRunning()
    {
        using var repo = AppRepository.Create("--exit", "3");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast with { MaxCrashes = 3 });
        var states = new List<WorktreeState>();
        await using var recorder = StateRecorder.Follow(supervisor, states, s => s.Worktrees.Take(1).Select(w => w.State));

        await supervisor.StartAsync(Within(Bounded.Process));
        var failed = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(Healthy));

        Assert.Contains("exited 3 times in a row, last with code 3", failed.Worktrees[0].StateReason, StringComparison.Ordinal);
        lock (states)
        {
            Assert.DoesNotContain(WorktreeState.Running, states);
            Assert.Contains(WorktreeState.Exited, states);
        }
    }

    [Fact]
    public async Task Up_CommandThatDoesNotExist_FailsAtOnceNamingIt()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "app": { "command": "no-such-program-for-grove" }, "ports": { "base": 39000, "range": 50 }, "gateway": { "port": 38999 } }""");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);

        await supervisor.StartAsync(Within(Bounded.Process));
        var failed = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(10)));

        Assert.Contains("no-such-program-for-grove", failed.Worktrees[0].StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_NoAppConfigured_ShowsStoppedWithHowToConfigure()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "ports": { "base": 39100, "range": 50 }, "gateway": { "port": 39099 } }""");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);

        await supervisor.StartAsync(Within(Bounded.Process));
        var stopped = await supervisor.WaitForAsync(s => s.Worktrees[0].StateReason is not null, Within(TimeSpan.FromSeconds(10)));

        Assert.Equal(WorktreeState.Stopped, stopped.Worktrees[0].State);
        Assert.Contains("add \"app\"", stopped.Worktrees[0].StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_RunningApp_ComesBackWithANewProcess()
    {
        using var repo = AppRepository.Create();
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));
        var first = repo.Runs().ReadAll().Single().Process!;

        supervisor.Execute("main", WorktreeCommand.Restart);
        Assert.NotEqual(WorktreeState.Running, supervisor.Current!.Worktrees[0].State); // at once (stopping), never "running" while it stops
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Starting, Within(Healthy));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));

        var second = repo.Runs().ReadAll().Single().Process!;
        Assert.NotEqual(first, second);
        Assert.False(first.IsAlive());
    }

    [Fact]
    public async Task Start_AppAlreadyRunning_LeavesItAlone()
    {
        using var repo = AppRepository.Create();
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => AllRunning(s, 1), Within(Healthy));
        var process = repo.Runs().ReadAll().Single().Process!;

        supervisor.Execute("main", WorktreeCommand.Start);
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        Assert.True(process.IsAlive());
        Assert.Equal(WorktreeState.Running, supervisor.Current!.Worktrees[0].State);
    }

    [Fact]
    public async Task Up_AppExitsLeavingABackgroundChild_SeenAsExitedAndChildStopped()
    {
        using var repo = TestRepository.Create();
        using var marker = new TempFolder();
        var pidFile = Path.Combine(marker.Path, "child.pid");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "sh", "args": ["-c", "sleep 1000 & echo $! > '{{pidFile}}'; echo started; exit 3"] },
              "ports": { "base": 39200, "range": 50 }, "gateway": { "port": 39199 } }
            """);
        await using var supervisor = new Supervisor(repo.Catalog(), Fast with { MaxCrashes = 2 });

        await supervisor.StartAsync(Within(Bounded.Process));
        var failed = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(20)));

        Assert.Contains("last with code 3", failed.Worktrees[0].StateReason, StringComparison.Ordinal);
        var child = ProcessIdentity.Read(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(child is null || !child.IsAlive(), "the background child outlived its app");
    }

    [Fact]
    public async Task Up_AppNeverHealthy_ShowsUnhealthyNotRunning()
    {
        using var repo = AppRepository.Create("--unhealthy");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast with { StartTimeout = TimeSpan.FromSeconds(2) });

        await supervisor.StartAsync(Within(Bounded.Process));
        var unhealthy = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Unhealthy, Within(Healthy));

        Assert.Contains("/health", unhealthy.Worktrees[0].StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_SecondSupervisorForSameRepository_Refused()
    {
        using var repo = AppRepository.Create();
        await using var first = new Supervisor(repo.Catalog(), Fast);
        await first.StartAsync(Within(Bounded.Process));

        // The same process may claim again (it is the holder), so a live foreign holder is simulated
        // by this test's parent process, which is alive and is not us.
        var parent = ProcessIdentity.Read(int.Parse(File.ReadAllText("/proc/self/stat").Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture))!;
        var runs = repo.Runs();
        var error = Assert.Throws<GroveException>(() => runs.ClaimSupervisor(parent, null, DateTimeOffset.UtcNow));

        Assert.Contains("already runs", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertEventuallyAsync(Func<bool> condition, string message)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), message);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Up_GroveJsonMissingOrBrokenThenWritten_StartsByItself()
    {
        using var repo = AppRepository.Create();
        var missing = repo.AddWorktree("feature/missing");
        var broken = repo.AddWorktree("feature/broken");
        var good = File.ReadAllText(Path.Combine(missing, "grove.json"));
        File.Delete(Path.Combine(missing, "grove.json")); // as when the watcher sees a worktree before git wrote its files
        File.WriteAllText(Path.Combine(broken, "grove.json"), "{ \"app\": ");
        await using var supervisor = new Supervisor(repo.Catalog(), Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        var waiting = await supervisor.WaitForAsync(
            s => s.Find("feature/missing")!.State == WorktreeState.Stopped && s.Find("feature/broken")!.State == WorktreeState.Failed,
            Within(Healthy));

        File.WriteAllText(Path.Combine(missing, "grove.json"), good);
        File.WriteAllText(Path.Combine(broken, "grove.json"), good);
        var running = await supervisor.WaitForAsync(
            s => s.Find("feature/missing")!.State == WorktreeState.Running && s.Find("feature/broken")!.State == WorktreeState.Running,
            Within(Healthy));

        Assert.Contains("no app configured", waiting.Find("feature/missing")!.StateReason, StringComparison.Ordinal);
        Assert.Contains("grove.json", waiting.Find("feature/broken")!.StateReason, StringComparison.Ordinal);
        Assert.Equal(3, running.Worktrees.Count(w => w.State == WorktreeState.Running));
    }
}
