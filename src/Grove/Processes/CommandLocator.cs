namespace Grove.Processes;

/// <summary>Finds the program a command names, the way a shell would, without running a shell.</summary>
internal static class CommandLocator
{
    /// <summary>The full path of <paramref name="command"/>, or null when there is no such executable.</summary>
    public static string? Find(string command, string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, workingDirectory);
            return IsExecutable(path) ? path : null;
        }

        var search = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return search.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, command))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
