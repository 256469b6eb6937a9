using System.Diagnostics;
using System.Globalization;
using Grove.Processes;

namespace Grove.Bench;

/// <summary>Times whole program runs and summarises them.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="spec"/> and returns the wall-clock time; a failed run stops the benchmark.</summary>
    public static async Task<TimeSpan> RunAsync(ProcessSpec spec, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec, timeout.Token);
        clock.Stop();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{spec.FileName} {string.Join(' ', spec.Arguments)} exited {result.ExitCode}: {result.StandardError}");
        }

        return clock.Elapsed;
    }

    public static double Median(IEnumerable<TimeSpan> samples) => Percentile(samples, 0.5);

    public static double Percentile(IEnumerable<TimeSpan> samples, double p)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "x";
}
