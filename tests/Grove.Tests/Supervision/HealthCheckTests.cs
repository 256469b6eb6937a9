using System.Diagnostics;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>How often a running app's health is asked, and how soon one that stops answering is noticed.</summary>
public class HealthCheckTests
{
    private const string HealthLine = "test app: health request answered";

    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static int HealthRequests(Supervisor supervisor, WorktreeSnapshot worktree) =>
        File.ReadAllLines(supervisor.LogPath(worktree)).Count(line => line.Contains(HealthLine, StringComparison.Ordinal));

    [Fact]
    public async Task Running_DefaultOptions_HealthAskedEveryTenSecondsNotEverySecond()
    {
        using var repo = AppRepository.Create("--log-health");
        await using var supervisor = new Supervisor(repo.Catalog(), new SupervisorOptions { StopGrace = TimeSpan.FromSeconds(2) });
        await supervisor.StartAsync(Within(Bounded.Process));
        var running = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));
        var atRunning = HealthRequests(supervisor, running.Worktrees[0]);

        await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);

        var during = HealthRequests(supervisor, running.Worktrees[0]) - atRunning;
        Assert.True(during <= 1, $"{during} health requests in 6 s of running (one every 10 s expected)");
        Assert.Equal(TimeSpan.FromSeconds(10), new SupervisorOptions().HealthInterval);
        Assert.Equal(WorktreeState.Running, supervisor.Current!.Worktrees[0].State);
    }

    [Fact]
    public async Task Running_AppStopsAnswering_UnhealthySoonAfterTheFirstFailedCheck()
    {
        // Health every 4 s; after a failed check, again after 1 s (the default): the third failure
        // in a row comes 2 s after the first, not 2 health intervals (8 s) after it.
        using var repo = AppRepository.Create("--log-health", "--unhealthy-after", "1000");
        var options = TestSupervision.Fast with { HealthInterval = TimeSpan.FromSeconds(4), HealthRetryInterval = new SupervisorOptions().HealthRetryInterval };
        await using var supervisor = new Supervisor(repo.Catalog(), options);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));
        var clock = Stopwatch.StartNew();

        var unhealthy = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Unhealthy, Within(TimeSpan.FromSeconds(40)));

        Assert.Contains("3 health checks of /health failed in a row", unhealthy.Worktrees[0].StateReason, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8.5), $"unhealthy after {clock.Elapsed.TotalSeconds:0.0} s of running: expected the first failed check within 4 s, then two more 1 s apart");
    }
}
