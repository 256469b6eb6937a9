namespace Grove.Dependencies;

/// <summary>The last lines a program printed, for an error message.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        if (_lines.Count == capacity)
        {
            _lines.Dequeue();
        }

        _lines.Enqueue(line);
    }

    public IReadOnlyList<string> Lines => [.. _lines];
}
