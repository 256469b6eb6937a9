using System.Collections.Immutable;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Tests;

/// <summary>The live table of <c>grove up</c>, rendered as the text a terminal of a given width shows.</summary>
public class UpTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static WorktreeSnapshot Worktree(string slug, int port, WorktreeState state, bool primary = false) => new()
    {
        Slug = slug,
        Branch = primary ? "main" : $"feature/{slug}",
        Path = $"/work/repo-{slug}",
        Head = "0123456789abcdef0123456789abcdef01234567",
        IsPrimary = primary,
        IsDetached = false,
        Port = port,
        Url = $"http://127.0.0.1:{port}",
        GatewayUrl = $"http://{slug}.localhost:8080",
        State = state,
        IsLocked = false,
        IsPrunable = false,
        Database = new WorktreeDatabase("postgres", $"grove_app__{slug.Replace('-', '_')}", "Host=127.0.0.1"),
    };

    private static RepositorySnapshot Snapshot(params WorktreeSnapshot[] worktrees) =>
        new("/work/repo/.git", [.. worktrees], Now);

    [Fact]
    public void Render_At100Columns_EveryUrlStaysWholeOnOneLine()
    {
        var snapshot = Snapshot(
            Worktree("main", 4000, WorktreeState.Running, primary: true),
            Worktree("issue-1234-checkout-page-shows-the-wrong-total", 4517, WorktreeState.Running),
            Worktree("feature-login-with-a-rather-long-branch-name", 4874, WorktreeState.Installing) with { Step = new WorktreeStep("install", Now.AddSeconds(-42)) });

        var text = UpTable.Render(snapshot, "http://localhost:8080/", Now, width: 100);

        var lines = text.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 100, $"wider than 100 columns: {line}"));
        foreach (var url in snapshot.Worktrees.SelectMany(w => new[] { w.Url, w.GatewayUrl }))
        {
            Assert.True(lines.Any(line => line.Contains(url, StringComparison.Ordinal)), $"{url} is split across lines:\n{text}");
        }
    }

    [Fact]
    public void Render_HeaderCountsTheWorktreesOfEachSnapshot()
    {
        var two = UpTable.Render(Snapshot(Worktree("main", 4000, WorktreeState.Running, primary: true), Worktree("a", 4001, WorktreeState.Running)), "http://localhost:8080/", Now, 120);
        var three = UpTable.Render(Snapshot(Worktree("main", 4000, WorktreeState.Running, primary: true), Worktree("a", 4001, WorktreeState.Running), Worktree("b", 4002, WorktreeState.Pending)), "http://localhost:8080/", Now, 120);

        Assert.Contains("2 worktree(s)", two, StringComparison.Ordinal);
        Assert.Contains("3 worktree(s)", three, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LongSteps_ShowWhichStepAndSecondsSoFar()
    {
        var snapshot = Snapshot(
            Worktree("a", 4001, WorktreeState.Installing) with { Step = new WorktreeStep("install", Now.AddSeconds(-95)) },
            Worktree("b", 4002, WorktreeState.BranchingDatabase) with { Step = new WorktreeStep("database", Now.AddSeconds(-3)) },
            Worktree("c", 4003, WorktreeState.Starting) with { StartedAt = Now.AddSeconds(-7) },
            Worktree("d", 4004, WorktreeState.Failed) with { StateReason = "exit code 1" });

        var text = UpTable.Render(snapshot, "http://localhost:8080/", Now, 160);

        Assert.Contains("installing 95 s", text, StringComparison.Ordinal);
        Assert.Contains("branching database 3 s", text, StringComparison.Ordinal);
        Assert.Contains("starting 7 s", text, StringComparison.Ordinal);
        Assert.Contains("failed: exit code 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppProgress_AdvancesWithTheClock()
    {
        var installing = Worktree("a", 4001, WorktreeState.Installing) with { Step = new WorktreeStep("install", Now) };

        Assert.Equal("installing 0 s", AppProgress.Of(installing, Now));
        Assert.Equal("installing 61 s", AppProgress.Of(installing, Now.AddSeconds(61.4)));
        Assert.Equal("running", AppProgress.Of(installing with { State = WorktreeState.Running, Step = null }, Now));
    }

    [Fact]
    public void Render_WideEnough_IsATableWithEveryCellOnOneLine()
    {
        var snapshot = Snapshot(Worktree("main", 4000, WorktreeState.Running, primary: true), Worktree("feature-x", 4321, WorktreeState.Running));

        var text = UpTable.Render(snapshot, "http://localhost:8080/", Now, width: 140);

        Assert.Contains("│ feature-x ", text, StringComparison.Ordinal);
        Assert.Contains(text.Split('\n'), line => line.Contains("http://127.0.0.1:4321", StringComparison.Ordinal) && line.Contains("http://feature-x.localhost:8080", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_TooNarrowForBothUrlsOnALine_EachUrlOnItsOwnLineWhole()
    {
        var snapshot = Snapshot(Worktree("issue-1234-checkout-page-shows-the-wrong-total", 4517, WorktreeState.Running));

        var text = UpTable.Render(snapshot, "http://localhost:8080/", Now, width: 80);

        Assert.Contains(text.Split('\n'), line => line.Trim() == "http://127.0.0.1:4517");
        Assert.Contains(text.Split('\n'), line => line.Trim() == "http://issue-1234-checkout-page-shows-the-wrong-total.localhost:8080");
    }

    [Theory]
    [InlineData(200)]
    [InlineData(80)]
    public void Render_AppListensBeyondLoopback_WarningLineUnderTheView(int width)
    {
        var snapshot = Snapshot(
            Worktree("main", 4000, WorktreeState.Running, primary: true) with { Warning = "listens on 0.0.0.0:4000, reachable from the network: bind it to 127.0.0.1" },
            Worktree("safe", 4100, WorktreeState.Running));

        var text = UpTable.Render(snapshot, "http://localhost:8080/", Now, width);

        var compact = string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("! main: listens on 0.0.0.0:4000, reachable from the network: bind it to 127.0.0.1", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("! safe", text, StringComparison.Ordinal);
    }
}
