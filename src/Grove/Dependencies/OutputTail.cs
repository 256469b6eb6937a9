namespace Grove.Dependencies;

/// <summary>
/// What a failed program printed, kept short for an error message: its last lines, and before
/// them the first few lines that mention an error (npm, for one, prints the cause and then a page
/// of usage text, so the last lines alone would hide the cause).
/// </summary>
internal sealed class OutputTail(int capacity, int firstErrors = 8)
{
    public const string Gap = "…";

    private readonly Queue<(long Number, string Text)> _last = new();
    private readonly List<(long Number, string Text)> _errors = [];
    private long _count;

    public void Add(string line)
    {
        var numbered = (_count++, line);
        if (_errors.Count < firstErrors && MentionsError(line))
        {
            _errors.Add(numbered);
        }

        if (_last.Count == capacity)
        {
            _last.Dequeue();
        }

        _last.Enqueue(numbered);
    }

    /// <summary>The first error lines not already among the last lines, a gap marker when lines were left out, then the last lines.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var firstKept = _last.Count == 0 ? 0 : _last.Peek().Number;
            var early = _errors.Where(e => e.Number < firstKept).ToList();
            var lines = new List<string>(early.Select(e => e.Text));
            if (firstKept > (early.Count == 0 ? 0 : early[^1].Number + 1))
            {
                lines.Add(Gap);
            }

            lines.AddRange(_last.Select(l => l.Text));
            return lines;
        }
    }

    private static bool MentionsError(string line) =>
        line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("ERR!", StringComparison.Ordinal) || line.Contains("failed", StringComparison.OrdinalIgnoreCase);
}
