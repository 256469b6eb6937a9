using System.Globalization;

namespace Grove.Bench.Agents;

/// <summary>Every round's times and every check that failed, with the parallel/sequential ratios.</summary>
internal sealed class AgentsOutcome(int agents, string provider)
{
    public List<AgentPhase> Phases { get; } = [];

    public List<string> Violations { get; } = [];

    public void Print(TextWriter output)
    {
        var parallel = Phases.Where(p => p.Parallel).ToList();
        var sequential = Phases.Where(p => !p.Parallel).ToList();
        string Median(IEnumerable<TimeSpan> values) => AgentPhase.Seconds(AgentPhase.Percentile(values, 0.5));
        double Ratio(Func<AgentPhase, TimeSpan> of) =>
            AgentPhase.Percentile(sequential.Select(of), 0.5).TotalMilliseconds / AgentPhase.Percentile(parallel.Select(of), 0.5).TotalMilliseconds;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"summary ({agents} agents, {provider}, median of {parallel.Count} cycle(s)):"));
        output.WriteLine($"  time to {agents} healthy:   parallel {Median(parallel.Select(p => p.ToAllHealthy))}, one after another {Median(sequential.Select(p => p.ToAllHealthy))}: {Measure.Ratio(Ratio(p => p.ToAllHealthy))} faster in parallel");
        output.WriteLine($"  time to {agents} validated: parallel {Median(parallel.Select(p => p.ToAllValidated))}, one after another {Median(sequential.Select(p => p.ToAllValidated))}: {Measure.Ratio(Ratio(p => p.ToAllValidated))} faster in parallel");
        output.WriteLine($"  per agent, parallel:   healthy p50 {Median(parallel.SelectMany(p => p.Healthy))} max {AgentPhase.Seconds(parallel.SelectMany(p => p.Healthy).Max())}, validated p50 {Median(parallel.SelectMany(p => p.Validated))} max {AgentPhase.Seconds(parallel.SelectMany(p => p.Validated).Max())}");
        output.WriteLine($"  per agent, sequential: healthy p50 {Median(sequential.SelectMany(p => p.Healthy))} max {AgentPhase.Seconds(sequential.SelectMany(p => p.Healthy).Max())}, validated p50 {Median(sequential.SelectMany(p => p.Validated))} max {AgentPhase.Seconds(sequential.SelectMany(p => p.Validated).Max())}");
        output.WriteLine(Violations.Count == 0
            ? "  collisions and leaks: none (distinct ports, slugs, databases; every request answered by its own worktree's app; ports, processes, databases, primary and template back to baseline after every round)"
            : $"  collisions and leaks: {Violations.Count} check(s) FAILED (listed above)");
    }
}
