using System.Diagnostics;
using System.Globalization;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Bench;

/// <summary>
/// The two ways Grove can read a repository's worktrees with their heads and branches, timed
/// apart from the rest of <c>grove ls</c>: libgit2 in-process (<see cref="LibGit2WorktreeReader"/>)
/// and one git process (<see cref="WorktreeReader"/>, the one Grove uses). A read is timed warm (the n-th in a
/// process, as <c>grove up</c> reads every 2 s) and first in a fresh process (as each
/// <c>grove ls</c> reads once: libgit2's native library is loaded then).
/// </summary>
internal static class WorktreeReadPaths
{
    public const string Libgit2 = "libgit2";
    public const string GitProcess = "git process";

    /// <summary>The hidden command the bench runs in a child process to time a first read.</summary>
    public const string FirstReadCommand = "ls-first-read";

    public static readonly string[] Both = [Libgit2, GitProcess];

    /// <summary>One read in this process; a libgit2 read that declines (Grove would then ask git) stops the benchmark.</summary>
    public static async Task<(TimeSpan Elapsed, IReadOnlyList<WorktreeEntry> Entries)> TimeAsync(string path, string commonGitDirectory)
    {
        var clock = Stopwatch.StartNew();
        var entries = path == Libgit2
            ? LibGit2WorktreeReader.TryRead(commonGitDirectory) ?? throw new InvalidOperationException($"libgit2 declined to list {commonGitDirectory}")
            : await WorktreeReader.ReadAsync(new Git(), commonGitDirectory, CancellationToken.None);
        clock.Stop();
        return (clock.Elapsed, entries);
    }

    /// <summary>The first read in a fresh process, timed inside that process (runtime start-up excluded).</summary>
    public static async Task<TimeSpan> TimeFirstReadAsync(string path, string commonGitDirectory)
    {
        var bench = Path.Combine(AppContext.BaseDirectory, "Grove.Bench.dll");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [bench, FirstReadCommand, path, commonGitDirectory]), timeout.Token);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"the first-read child failed ({result.ExitCode}): {result.StandardError}");
        }

        return TimeSpan.FromMilliseconds(double.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture));
    }

    /// <summary>The child's side of <see cref="TimeFirstReadAsync"/>: prints the milliseconds of one read.</summary>
    public static async Task<int> RunFirstReadAsync(string path, string commonGitDirectory)
    {
        var (elapsed, _) = await TimeAsync(path, commonGitDirectory);
        Console.WriteLine(elapsed.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture));
        return 0;
    }
}
