using System.Globalization;

namespace Grove.Bench.Agents;

/// <summary>
/// One round of agents: all let go at once (<paramref name="Parallel"/>), or one after another,
/// each from its own start. Times are from the moment an agent was let go.
/// </summary>
internal sealed record AgentPhase(bool Parallel, IReadOnlyList<AgentReport> Reports, IReadOnlyList<long> Starts)
{
    public IEnumerable<TimeSpan> Healthy => Each(r => r.Healthy);

    public IEnumerable<TimeSpan> Validated => Each(r => r.Validated);

    /// <summary>
    /// Until the N-th environment was healthy: in parallel, the slowest agent; one after another,
    /// every earlier agent's whole loop (new, wait, check, rm) and then the last one's wait.
    /// </summary>
    public TimeSpan ToAllHealthy => ToAll(r => r.Healthy);

    /// <summary>Until the N-th agent had validated its app (see <see cref="ToAllHealthy"/>).</summary>
    public TimeSpan ToAllValidated => ToAll(r => r.Validated);

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{(Parallel ? "parallel  " : "sequential")}: {Reports.Count} healthy after {Seconds(ToAllHealthy)}, validated after {Seconds(ToAllValidated)}; per agent healthy p50 {Seconds(Percentile(Healthy, 0.5))} max {Seconds(Healthy.Max())}, validated p50 {Seconds(Percentile(Validated, 0.5))} max {Seconds(Validated.Max())}");

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static TimeSpan Percentile(IEnumerable<TimeSpan> samples, double p) => TimeSpan.FromMilliseconds(Measure.Percentile(samples, p));

    private IEnumerable<TimeSpan> Each(Func<AgentReport, long> step) =>
        Reports.Select((r, i) => TimeSpan.FromMilliseconds(Math.Max(0, step(r) - Starts[i])));

    private TimeSpan ToAll(Func<AgentReport, long> step)
    {
        if (Parallel)
        {
            return Each(step).Max();
        }

        var earlier = Reports.Take(Reports.Count - 1).Select((r, i) => Math.Max(0, r.Removed - Starts[i])).Sum();
        return TimeSpan.FromMilliseconds(earlier + (step(Reports[^1]) - Starts[^1]));
    }
}
