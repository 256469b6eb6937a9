using Grove.Hosting;
using Grove.Processes;
using Grove.State;
using Grove.Supervision;

namespace Grove.Tests.Supervision;

public class LogHubTests
{
    [Fact]
    public async Task Watch_GivesTheFilesHistoryThenLiveLines_AndForgetStartsAnew()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(LogFiles.PathFor(store, "a"))!);
        await File.WriteAllLinesAsync(LogFiles.PathFor(store, "a"), ["2026-12-01T10:00:00.000Z [out] from an earlier run", "2026-12-01T10:00:01.000Z [install] installed"], TestContext.Current.CancellationToken);
        var hub = new LogHub(store, TimeProvider.System);
        using var log = hub.Open("a", Path.Combine(folder.Path, "wt-a"));
        log.Write("err", "before the reader");

        await using var lines = hub.WatchAsync("a", history: 2, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var history = new List<LogLine>();
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await lines.MoveNextAsync());
            history.Add(lines.Current);
        }

        log.Write("grove", "live");
        Assert.True(await lines.MoveNextAsync());
        var live = lines.Current;
        log.Dispose();
        hub.Forget("a");

        Assert.Equal(["installed", "before the reader"], history.Select(l => l.Text));
        Assert.Equal([LogSource.Stdout, LogSource.Stderr], history.Select(l => l.Source));
        Assert.Equal(("live", LogSource.Grove), (live.Text, live.Source));
        Assert.False(File.Exists(LogFiles.PathFor(store, "a")));
        Assert.Empty(hub.Tail("a", 10));
    }

    [Fact]
    public void Open_SlugOfARemovedWorktreeReusedByAnotherFolder_StartsWithAnEmptyLog()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        var removed = Path.Combine(folder.Path, "repo-feature");
        var later = Path.Combine(folder.Path, "elsewhere", "repo-feature");
        using (var log = new LogHub(store, TimeProvider.System).Open("feature", removed))
        {
            log.Write("out", "a line of the removed worktree's app");
        }

        var hub = new LogHub(store, TimeProvider.System); // the next grove up, after the folder was removed outside Grove
        using var reopened = hub.Open("feature", later);
        reopened.Write("out", "the new worktree's first line");

        Assert.Equal(["the new worktree's first line"], hub.Tail("feature", 10).Select(l => l.Text));
        Assert.DoesNotContain(File.ReadAllLines(LogFiles.PathFor(store, "feature")), l => l.Contains("removed worktree", StringComparison.Ordinal));
        Assert.Equal(later, LogFiles.OwnerOf(store, "feature"));
    }

    [Fact]
    public void Open_SameWorktreeAgain_KeepsItsEarlierLines()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        var worktree = Path.Combine(folder.Path, "repo-feature");
        using (var log = new LogHub(store, TimeProvider.System).Open("feature", worktree))
        {
            log.Write("out", "from the first run");
        }

        var hub = new LogHub(store, TimeProvider.System);
        using var reopened = hub.Open("feature", worktree);

        Assert.Equal(["from the first run"], hub.Tail("feature", 10).Select(l => l.Text));
    }
}
