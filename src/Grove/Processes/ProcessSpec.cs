namespace Grove.Processes;

/// <summary>A program to run: never a shell string, always an argument list.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string? WorkingDirectory = null)
{
    /// <summary>Variables set (or, with a null value, removed) on top of this process's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Text written to the program's standard input, then closed; null closes it at once.</summary>
    public string? StandardInput { get; init; }
}
