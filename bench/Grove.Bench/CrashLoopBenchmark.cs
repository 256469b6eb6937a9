using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grove.Dependencies;
using Grove.Supervision;
using Grove.Testing;
using Grove.Worktrees;

namespace Grove.Bench;

/// <summary>
/// Issue 12 item 9: an app that crashes at once on every start, behind an install step that takes
/// a while (a script that sleeps). Measured from the supervisor's start to <c>failed</c>, with the
/// number of installs: skipping the unchanged install on crash retries (now) against running it
/// before every start (before; <see cref="SupervisorOptions.SkipUnchangedSteps"/> off), in the
/// same run. Expected now: about the backoff's own time (1+2+4+8 s) plus one install.
/// </summary>
internal static class CrashLoopBenchmark
{
    private static readonly string TestApp = Path.Combine(AppContext.BaseDirectory, "Grove.TestApp.dll");

    public static async Task<bool> RunAsync(int runs, double installSeconds)
    {
        var options = new SupervisorOptions();
        var backoff = Enumerable.Range(1, options.MaxCrashes - 1).Sum(crash => RestartBackoff.After(crash, options).TotalSeconds);
        var now = new List<(TimeSpan Elapsed, int Installs)>();
        var before = new List<(TimeSpan Elapsed, int Installs)>();
        for (var i = 0; i < runs; i++)
        {
            // Interleaved, so a change in the machine's load hits both sides alike.
            now.Add(await RunOnceAsync(options, installSeconds, 47000 + (i * 20)));
            before.Add(await RunOnceAsync(options with { SkipUnchangedSteps = false }, installSeconds, 47010 + (i * 20)));
        }

        var nowMedian = Measure.Median(now.Select(r => r.Elapsed));
        var beforeMedian = Measure.Median(before.Select(r => r.Elapsed));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"app crashing at once on every start, install step {installSeconds:0.#} s, {options.MaxCrashes} starts before 'failed', backoff {backoff:0.#} s in all; {runs} interleaved run(s) each: median time to failed (installs)"));
        Console.WriteLine($"  before: install before every start   {Measure.Ms(beforeMedian),10}   (installs: {string.Join(", ", before.Select(r => r.Installs))})");
        Console.WriteLine($"  now: unchanged install not run again {Measure.Ms(nowMedian),10}   (installs: {string.Join(", ", now.Select(r => r.Installs))})");
        Console.WriteLine($"  before/now {Measure.Ratio(beforeMedian / nowMedian)}; now minus (backoff + one install) = {Measure.Ms(nowMedian - ((backoff + installSeconds) * 1000))} (the app's own starts)");
        var met = now.All(r => r.Installs == 1) && nowMedian <= (backoff + installSeconds + 5) * 1000;
        Console.WriteLine(met ? "goal met (one install; failed within backoff + one install + 5 s)" : "goal NOT met");
        return met;
    }

    private static async Task<(TimeSpan Elapsed, int Installs)> RunOnceAsync(SupervisorOptions options, double installSeconds, int portBase)
    {
        using var scratch = new TempFolder("grove-bench-crashloop");
        var counter = scratch.Combine("installs.txt");
        using var repo = TestRepository.Create();
        var seconds = installSeconds.ToString(CultureInfo.InvariantCulture);
        var config = new
        {
            app = new { command = "dotnet", args = new[] { TestApp, "--exit", "3" }, healthPath = "/health" },
            install = new[] { new { command = "sh", args = new[] { "-c", $"sleep {seconds}; echo installed >> '{counter}'" } } },
            ports = new { @base = portBase, range = 10 },
            gateway = new { port = portBase - 1 },
        };
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), JsonSerializer.Serialize(config));
        repo.Git(repo.Primary, "add", "grove.json");
        repo.Git(repo.Primary, "commit", "-q", "-m", "crashing app");

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var supervisor = new Supervisor(repo.Catalog(), options, [new DependencyStep(new DependencyInstaller(repo.CommonGitDirectory))]);
        var clock = Stopwatch.StartNew();
        await supervisor.StartAsync(limit.Token);
        await supervisor.WaitForAsync(s => s.Worktrees is [{ State: WorktreeState.Failed }], limit.Token);
        var elapsed = clock.Elapsed;
        return (elapsed, File.Exists(counter) ? File.ReadAllLines(counter).Length : 0);
    }
}
