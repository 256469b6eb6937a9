using Grove.Bench.Agents;

namespace Grove.Cli.Tests;

/// <summary>The parallel agents scenario of <c>bench/run agents</c>, small, for correctness (the benchmark measures).</summary>
public class AgentsScenarioTests
{
    [Fact]
    public async Task FourAgentsAtOnce_NoCollisionNoLeak_AndEachValidatesItsOwnApp()
    {
        var output = new StringWriter();

        var outcome = await AgentsScenario.RunAsync(agents: 4, cycles: 1, provider: "sqlite", output).WaitAsync(TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken);

        Assert.True(outcome.Violations.Count == 0, output.ToString());
        Assert.Equal(2, outcome.Phases.Count);
        Assert.All(outcome.Phases, phase =>
        {
            Assert.Equal(4, phase.Reports.Count);
            Assert.All(phase.Reports, r => Assert.True(r.Go <= r.Created && r.Created <= r.Healthy && r.Healthy <= r.Validated && r.Validated <= r.Removed, $"{r.Branch}: steps out of order"));
        });
        Assert.Equal(4, outcome.Phases[0].Reports.Select(r => r.Port).Distinct().Count());
        Assert.Contains("collisions and leaks: none", output.ToString(), StringComparison.Ordinal);
    }
}
