namespace Grove.Dependencies;

/// <summary>An install command failed: which one, how it ended, and the end of what it printed.</summary>
internal sealed class InstallFailedException : GroveException
{
    public InstallFailedException(string worktreePath, string stepId, string command, int? exitCode, IReadOnlyList<string> outputTail, string why, string fix)
        : base(Describe(command, why, outputTail), fix)
    {
        WorktreePath = worktreePath;
        StepId = stepId;
        Command = command;
        ExitCode = exitCode;
        OutputTail = outputTail;
    }

    public string WorktreePath { get; }

    public string StepId { get; }

    /// <summary>The failing command as a person would type it, with the folder it ran in.</summary>
    public string Command { get; }

    /// <summary>Its exit code; null when it did not exit on its own (timed out).</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines it printed (both streams).</summary>
    public IReadOnlyList<string> OutputTail { get; }

    private static string Describe(string command, string why, IReadOnlyList<string> tail)
    {
        var text = $"install failed: '{command}' {why}";
        return tail.Count == 0
            ? $"{text} and printed nothing"
            : $"{text}; the end of its output:{string.Concat(tail.Select(line => $"{Environment.NewLine}  | {line}"))}";
    }
}
