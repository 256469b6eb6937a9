using System.Globalization;

namespace Grove.Hosting;

/// <summary>Where a worktree's log line came from.</summary>
public enum LogSource
{
    /// <summary>The app's (or its install command's) standard output.</summary>
    Stdout,

    /// <summary>The app's standard error.</summary>
    Stderr,

    /// <summary>Grove's own lines about the worktree: states, steps, commands.</summary>
    Grove,
}

/// <summary>One line of a worktree's log.</summary>
public sealed record LogLine(DateTimeOffset Timestamp, LogSource Source, string Text)
{
    /// <summary>The line as the worktree's log file holds it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} [{Source switch { LogSource.Stderr => "err", LogSource.Grove => "grove", _ => "out" }}] {Text}");

    /// <summary>
    /// Reads a line as the worktree log writes it (<c>2026-12-01T10:00:00.000Z [out] text</c>);
    /// a line of another shape is kept whole as Grove's, stamped <paramref name="fallback"/>.
    /// </summary>
    public static LogLine Parse(string line, DateTimeOffset fallback)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var close = space < 0 ? -1 : line.IndexOf("] ", space, StringComparison.Ordinal);
        if (space < 0 || close < 0 || line.Length <= space + 1 || line[space + 1] != '['
            || !DateTimeOffset.TryParse(line.AsSpan(0, space), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return new LogLine(fallback, LogSource.Grove, line);
        }

        var source = line[(space + 2)..close] switch
        {
            "err" => LogSource.Stderr,
            "grove" => LogSource.Grove,
            _ => LogSource.Stdout, // "out", and "install" (the install command's output)
        };
        return new LogLine(timestamp, source, line[(close + 2)..]);
    }
}
