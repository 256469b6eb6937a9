using Grove.Processes;
using Grove.Testing;

namespace Grove.Bench;

/// <summary>
/// Issue 2: <c>grove ls --json</c> on a repository with 1 worktree and with 50, interleaved in
/// the same run. Goal: the 50-worktree run costs at most 1.5x the 1-worktree run. git's own
/// <c>worktree list</c> is timed too, so what grows with git is told apart from Grove's part.
/// Issue 10: the read of the worktrees' heads and branches by libgit2 in-process and by one git
/// process, side by side, warm and as the first read of a fresh process (see <see cref="WorktreeReadPaths"/>).
/// </summary>
internal static class ListBenchmark
{
    private const double Goal = 1.5;

    public static async Task<bool> RunAsync(int runs)
    {
        using var small = TestRepository.Create();
        using var large = TestRepository.Create();
        var linked = Enumerable.Range(1, 49).Select(i => large.AddWorktree($"feature/bench-{i}")).ToList();

        // States both read paths must report as git does (see CompareReadPathsAsync).
        large.Git(large.Primary, "worktree", "lock", "--reason", "bench: kept on purpose", linked[0]);
        large.Git(linked[1], "checkout", "-q", "--detach");

        var grove = Path.Combine(AppContext.BaseDirectory, "grove.dll");
        ProcessSpec Ls(TestRepository repo) => new("dotnet", [grove, "ls", "--json"], repo.Primary);
        ProcessSpec GitList(TestRepository repo) => new("git", ["worktree", "list", "--porcelain", "-z"], repo.Primary);

        // Warm-up: leases are taken on the first run, the disk cache is filled.
        foreach (var repo in new[] { small, large })
        {
            for (var i = 0; i < 3; i++)
            {
                await Measure.RunAsync(Ls(repo));
            }
        }

        var samples = new Dictionary<string, List<TimeSpan>> { ["ls1"] = [], ["ls50"] = [], ["git1"] = [], ["git50"] = [] };
        for (var i = 0; i < runs; i++)
        {
            samples["ls1"].Add(await Measure.RunAsync(Ls(small)));
            samples["ls50"].Add(await Measure.RunAsync(Ls(large)));
            samples["git1"].Add(await Measure.RunAsync(GitList(small)));
            samples["git50"].Add(await Measure.RunAsync(GitList(large)));
        }

        var ls1 = Measure.Median(samples["ls1"]);
        var ls50 = Measure.Median(samples["ls50"]);
        var git1 = Measure.Median(samples["git1"]);
        var git50 = Measure.Median(samples["git50"]);
        Console.WriteLine($"grove ls --json, {runs} runs each, interleaved (median, p90)");
        Console.WriteLine($"  1 worktree    {Measure.Ms(ls1),10}  {Measure.Ms(Measure.Percentile(samples["ls1"], 0.9)),10}");
        Console.WriteLine($"  50 worktrees  {Measure.Ms(ls50),10}  {Measure.Ms(Measure.Percentile(samples["ls50"], 0.9)),10}");
        Console.WriteLine($"git worktree list --porcelain -z (git's own cost)");
        Console.WriteLine($"  1 worktree    {Measure.Ms(git1),10}");
        Console.WriteLine($"  50 worktrees  {Measure.Ms(git50),10}");
        var ratio = ls50 / ls1;
        Console.WriteLine($"ratio 50/1: grove ls {Measure.Ratio(ratio)} (goal <= {Measure.Ratio(Goal)}); git alone {Measure.Ratio(git50 / git1)}");
        Console.WriteLine($"Grove's own growth beyond git's: {Measure.Ms(ls50 - ls1 - (git50 - git1))}");
        var met = ratio <= Goal;
        Console.WriteLine(met ? "goal met" : "goal NOT met");
        await CompareReadPathsAsync(small, large, runs);
        return met;
    }

    /// <summary>Both read paths on both repositories, interleaved; they must list the same worktrees.</summary>
    private static async Task CompareReadPathsAsync(TestRepository small, TestRepository large, int runs)
    {
        var repositories = new[] { (Size: 1, Repo: small), (Size: 50, Repo: large) };
        foreach (var (size, repo) in repositories)
        {
            var libgit2 = (await WorktreeReadPaths.TimeAsync(WorktreeReadPaths.Libgit2, repo.CommonGitDirectory)).Entries;
            var git = (await WorktreeReadPaths.TimeAsync(WorktreeReadPaths.GitProcess, repo.CommonGitDirectory)).Entries;
            if (libgit2.Count != size || !libgit2.OrderBy(e => e.Path, StringComparer.Ordinal).SequenceEqual(git.OrderBy(e => e.Path, StringComparer.Ordinal)))
            {
                throw new InvalidOperationException($"libgit2 and git list the {size}-worktree repository differently");
            }
        }

        var warm = new Dictionary<(string, int), List<TimeSpan>>();
        var first = new Dictionary<(string, int), List<TimeSpan>>();
        foreach (var path in WorktreeReadPaths.Both)
        {
            foreach (var (size, _) in repositories)
            {
                warm[(path, size)] = [];
                first[(path, size)] = [];
            }
        }

        for (var i = 0; i < runs; i++)
        {
            foreach (var path in WorktreeReadPaths.Both)
            {
                foreach (var (size, repo) in repositories)
                {
                    warm[(path, size)].Add((await WorktreeReadPaths.TimeAsync(path, repo.CommonGitDirectory)).Elapsed);
                    first[(path, size)].Add(await WorktreeReadPaths.TimeFirstReadAsync(path, repo.CommonGitDirectory));
                }
            }
        }

        Print($"worktree heads and branches, read warm in one process (as grove up does every 2 s; median of {runs})", warm);
        Print($"worktree heads and branches, first read in a fresh process (as one grove ls does; median of {runs})", first);
    }

    private static void Print(string title, Dictionary<(string Path, int Size), List<TimeSpan>> samples)
    {
        double M(string path, int size) => Measure.Median(samples[(path, size)]);
        Console.WriteLine(title);
        Console.WriteLine($"  {"",-13} {"1 worktree",12} {"50 worktrees",14} {"50/1",8}");
        foreach (var path in WorktreeReadPaths.Both)
        {
            Console.WriteLine($"  {path,-13} {Measure.Ms(M(path, 1)),12} {Measure.Ms(M(path, 50)),14} {Measure.Ratio(M(path, 50) / M(path, 1)),8}");
        }

        var lib = WorktreeReadPaths.Libgit2;
        var git = WorktreeReadPaths.GitProcess;
        Console.WriteLine($"  {"libgit2/git",-13} {Measure.Ratio(M(lib, 1) / M(git, 1)),12} {Measure.Ratio(M(lib, 50) / M(git, 50)),14}");
    }
}
