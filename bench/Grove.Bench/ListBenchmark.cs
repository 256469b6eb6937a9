using Grove.Processes;
using Grove.Testing;

namespace Grove.Bench;

/// <summary>
/// Issue 2: <c>grove ls --json</c> on a repository with 1 worktree and with 50, interleaved in
/// the same run. Goal: the 50-worktree run costs at most 1.5x the 1-worktree run. git's own
/// <c>worktree list</c> is timed too, so what grows with git is told apart from Grove's part.
/// </summary>
internal static class ListBenchmark
{
    private const double Goal = 1.5;

    public static async Task<bool> RunAsync(int runs)
    {
        using var small = TestRepository.Create();
        using var large = TestRepository.Create();
        for (var i = 1; i < 50; i++)
        {
            large.AddWorktree($"feature/bench-{i}");
        }

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
        return met;
    }
}
