using System.Globalization;

namespace Grove.Worktrees;

/// <summary>
/// Deletes what is left of a worktree's folder after git forgot the worktree, trying again for a
/// while when something writes into it meanwhile; names the processes still working there when it
/// cannot.
/// </summary>
internal static class FolderRemoval
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Deletes <paramref name="folder"/>; null when it is gone, otherwise why it is not.</summary>
    public static async Task<string?> DeleteAsync(string folder, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (clock.Elapsed > Patience)
                {
                    var users = ProcessesIn(folder);
                    return users.Count == 0 ? ex.Message : $"{ex.Message}; processes working in it: {string.Join(", ", users)}";
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether two paths name the same folder (a trailing separator aside).</summary>
    public static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    /// <summary>Processes whose working directory is in <paramref name="folder"/> (pid and name).</summary>
    private static List<string> ProcessesIn(string folder)
    {
        var found = new List<string>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(entry);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0]))
            {
                continue;
            }

            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && (SamePath(cwd, folder) || cwd.StartsWith(Path.TrimEndingDirectorySeparator(folder) + "/", StringComparison.Ordinal)))
                {
                    found.Add(string.Create(CultureInfo.InvariantCulture, $"{pid} ({File.ReadAllText(Path.Combine(entry, "comm")).Trim()})"));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }
}
