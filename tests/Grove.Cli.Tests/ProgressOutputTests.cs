using System.Text.RegularExpressions;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Tests;

/// <summary>What <c>grove new</c> and <c>grove wait</c> say on standard error while they work: the step and the seconds so far.</summary>
public partial class ProgressOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task New_SaysEachStepWithSecondsAndEndsPointingToGroveWait()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunAsync(repo.Primary, "new", "feature/progress", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(StepLine(), result.StandardError);
        Assert.Contains("'grove wait feature-progress' follows its start", result.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("{", result.StandardOutput.TrimStart(), StringComparison.Ordinal); // --json stays clean on standard output
    }

    [Fact]
    public void ElapsedProgress_WhileAStepLasts_SaysItStillRuns()
    {
        using var writer = new StringWriter();
        var synchronized = TextWriter.Synchronized(writer); // its writes lock the wrapper: so does the read below
        using var progress = new ElapsedProgress(synchronized, heartbeat: TimeSpan.FromMilliseconds(50));

        progress.Report("building the template app from db/seed.sql");
        string[] lines;
        var deadline = DateTime.UtcNow.AddSeconds(10); // a loaded machine may run the timer late
        do
        {
            Thread.Sleep(100);
            lock (synchronized)
            {
                lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
        while (lines.Length < 2 && DateTime.UtcNow < deadline);

        Assert.Equal("grove: building the template app from db/seed.sql (0 s)", lines[0]);
        Assert.Contains(lines.Skip(1), l => l.StartsWith("grove: … still working (", StringComparison.Ordinal) && l.EndsWith("ago: building the template app from db/seed.sql", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitProgress_ShowsEachStepOnceThenAgainAfterAWhile()
    {
        using var writer = new StringWriter();
        var progress = new WaitProgress(writer);
        var installing = Worktree(WorktreeState.Installing) with { Step = new WorktreeStep("install", Now) };
        var branching = Worktree(WorktreeState.BranchingDatabase) with { Step = new WorktreeStep("database", Now.AddSeconds(40)) };

        progress.Show(installing, Now.AddSeconds(1));
        progress.Show(installing, Now.AddSeconds(2));
        progress.Show(installing, Now.AddSeconds(1) + WaitProgress.Every);
        progress.Show(branching, Now.AddSeconds(41));

        Assert.Equal(
            [
                "grove: waiting for feature-x: installing 1 s",
                $"grove: waiting for feature-x: installing {1 + (int)WaitProgress.Every.TotalSeconds} s",
                "grove: waiting for feature-x: branching database 1 s",
            ],
            writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    private static WorktreeSnapshot Worktree(WorktreeState state) => new()
    {
        Slug = "feature-x",
        Branch = "feature/x",
        Path = "/work/repo-feature-x",
        Head = null,
        IsPrimary = false,
        IsDetached = false,
        Port = 4100,
        Url = "http://127.0.0.1:4100",
        GatewayUrl = "http://feature-x.localhost:8080",
        State = state,
        IsLocked = false,
        IsPrunable = false,
    };

    [GeneratedRegex(@"grove: adding a worktree for feature/progress \(git worktree add\) \(\d+ s\)")]
    private static partial Regex StepLine();
}
