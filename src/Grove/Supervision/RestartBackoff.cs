namespace Grove.Supervision;

/// <summary>The delay before a crashed app's next start: the first delay, doubled with each crash in a row, up to the maximum.</summary>
internal static class RestartBackoff
{
    public static TimeSpan After(int crashes, SupervisorOptions options)
    {
        var factor = Math.Pow(2, Math.Max(0, crashes - 1));
        return TimeSpan.FromTicks((long)Math.Min(options.RestartBackoff.Ticks * factor, options.RestartBackoffMax.Ticks));
    }
}
