using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grove.Processes;

namespace Grove.Bench.Agents;

/// <summary>
/// Issue 14: N simulated agents (real processes, let go at the same moment) each make a worktree,
/// wait until it is healthy, check it end to end and remove it; then the same N one after
/// another, in the same run. After every round: no port, slug or database shared; every request
/// answered by the right worktree's app; ports, processes and databases back to where they were;
/// the primary worktree and the template unchanged.
/// </summary>
internal static class AgentsScenario
{
    /// <summary>Every agent's branch (and so every note it writes) starts with this.</summary>
    public const string BranchPrefix = "agents/";
    private static readonly string Bench = Path.Combine(AppContext.BaseDirectory, "Grove.Bench.dll");

    public static async Task<AgentsOutcome> RunAsync(int agents, int cycles, string provider, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cycles, 1);
        using var bench = BenchRepository.Create(provider);
        var repo = bench.Repo;
        using var signals = new Grove.Testing.TempFolder("grove-agents");
        var upLog = new List<string>();
        await using var up = GroveCommand.StartUp(repo.Primary, (_, line) =>
        {
            lock (upLog)
            {
                upLog.Add(line);
            }
        });
        await GroveCommand.RunAsync(repo.Primary, "wait", "main", "--timeout", "300");
        var outcome = new AgentsOutcome(agents, provider);
        output.WriteLine($"{agents} agents x {cycles} cycle(s), {provider}, sample app (samples/Notes, prebuilt), {Environment.ProcessorCount} cores");
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            foreach (var parallel in new[] { true, false })
            {
                var before = await Baseline.TakeAsync(repo, bench, up.Identity.Pid);
                var mode = parallel ? "parallel" : "sequential";
                var branches = Enumerable.Range(1, agents).Select(i => $"{BranchPrefix}c{cycle}-{mode[0]}{i}").ToList();
                var phase = parallel
                    ? await RunParallelAsync(repo.Primary, branches, bench.GatewayPort, signals.Combine($"{cycle}-{mode}"))
                    : await RunSequentialAsync(repo.Primary, branches, bench.GatewayPort, signals.Combine($"{cycle}-{mode}"));
                outcome.Phases.Add(phase);
                var problems = phase.Reports.SelectMany(r => r.Problems).ToList();
                problems.AddRange(Collisions(phase, before));
                problems.AddRange((await SettledAsync(repo, bench, up.Identity.Pid, before)).Differences(before));
                outcome.Violations.AddRange(problems.Select(p => $"cycle {cycle} {mode}: {p}"));
                output.WriteLine($"cycle {cycle} {phase.Summary()}; checks: {(problems.Count == 0 ? "all passed" : $"{problems.Count} FAILED")}");
                foreach (var problem in problems)
                {
                    output.WriteLine($"  ! {problem}");
                }
            }
        }

        Process.Start("kill", ["-TERM", up.Identity.Pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await up.Exited.WaitAsync(TimeSpan.FromMinutes(2));
        outcome.Print(output);
        return outcome;
    }

    private static async Task<AgentPhase> RunParallelAsync(string repository, List<string> branches, int gatewayPort, string signals)
    {
        Directory.CreateDirectory(signals);
        var go = Path.Combine(signals, "go");
        var agents = branches.Select((branch, i) => StartAgent(repository, branch, gatewayPort, Path.Combine(signals, $"ready-{i}"), go)).ToList();
        await WaitReadyAsync(signals, branches.Count);
        var start = Now();
        await File.WriteAllTextAsync(go, string.Empty);
        var reports = await Task.WhenAll(agents.Select(a => a.ReportAsync()));
        return new AgentPhase(Parallel: true, reports, [.. reports.Select(_ => start)]);
    }

    private static async Task<AgentPhase> RunSequentialAsync(string repository, List<string> branches, int gatewayPort, string signals)
    {
        var reports = new List<AgentReport>();
        var starts = new List<long>();
        for (var i = 0; i < branches.Count; i++)
        {
            var folder = Path.Combine(signals, i.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            var agent = StartAgent(repository, branches[i], gatewayPort, Path.Combine(folder, "ready-0"), Path.Combine(folder, "go"));
            await WaitReadyAsync(folder, 1);
            starts.Add(Now());
            await File.WriteAllTextAsync(Path.Combine(folder, "go"), string.Empty);
            reports.Add(await agent.ReportAsync());
        }

        return new AgentPhase(Parallel: false, reports, starts);
    }

    /// <summary>Starts an agent process; its report is read from its whole output once it has exited.</summary>
    private static RunningAgent StartAgent(string repository, string branch, int gatewayPort, string ready, string go)
    {
        var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var run = ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", [Bench, SimulatedAgent.Command, repository, branch, gatewayPort.ToString(CultureInfo.InvariantCulture), ready, go], repository),
            limit.Token);
        return new RunningAgent(branch, run, limit);
    }

    private static async Task WaitReadyAsync(string folder, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (Directory.EnumerateFiles(folder, "ready-*").Count() < count)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"the agents did not start within 2 minutes ({folder})");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>No two agents of a parallel round got the same slug, port or database, and none the primary's.</summary>
    private static IEnumerable<string> Collisions(AgentPhase phase, Baseline before)
    {
        var primaryPorts = before.Worktrees.Split(',').Select(w => w.Split(':')[^1]).ToHashSet(StringComparer.Ordinal);
        var reports = phase.Reports.Where(r => r.Slug is not null).ToList();
        foreach (var (what, values) in new (string, IEnumerable<string?>)[]
        {
            ("slug", reports.Select(r => r.Slug)),
            ("port", reports.Select(r => r.Port.ToString(CultureInfo.InvariantCulture))),
            ("database", reports.Select(r => r.Database)),
        })
        {
            var list = values.ToList();
            if (phase.Parallel)
            {
                foreach (var shared in list.GroupBy(v => v).Where(g => g.Count() > 1))
                {
                    yield return $"{g(shared.Count())} agents got the same {what} {shared.Key}";
                }
            }

            if (what == "port")
            {
                foreach (var port in list.Where(p => p is not null && primaryPorts.Contains(p)))
                {
                    yield return $"an agent got port {port}, which the primary worktree holds";
                }
            }
        }

        foreach (var missing in phase.Reports.Where(r => r.Database is null && r.Problems.Count == 0))
        {
            yield return $"{missing.Slug} got no database";
        }

        static string g(int count) => count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The state after a round, read again for a few seconds while it still differs (an app's port is freed just after it exits).</summary>
    private static async Task<Baseline> SettledAsync(Grove.Testing.TestRepository repo, BenchRepository bench, int upPid, Baseline before)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var after = await Baseline.TakeAsync(repo, bench, upPid);
            if (!after.Differences(before).Any() || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                return after;
            }

            await Task.Delay(250);
        }
    }

    internal static long Now() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    private sealed record RunningAgent(string Branch, Task<ProcessResult> Run, CancellationTokenSource Limit)
    {
        public async Task<AgentReport> ReportAsync()
        {
            using var limit = Limit;
            var result = await Run;
            var last = result.StandardOutput.Split('\n').LastOrDefault(l => l.StartsWith('{'));
            return last is null
                ? new AgentReport { Branch = Branch, Problems = { $"{Branch}: the agent exited {result.ExitCode} without a report: {result.StandardError.Trim()}" } }
                : JsonSerializer.Deserialize(last, AgentJson.Default.AgentReport)!;
        }
    }
}
