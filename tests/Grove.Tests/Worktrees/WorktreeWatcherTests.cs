using Grove.Worktrees;

namespace Grove.Tests.Worktrees;

public class WorktreeWatcherTests
{
    // The bound. The safety-net poll is set far beyond it, so these pass only when
    // file watching itself notices the change.
    private static readonly TimeSpan Notice = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoPoll = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Watch_WorktreeAdded_PublishedWithinTwoSeconds()
    {
        using var repo = TestRepository.Create();
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = NoPoll };
        await watcher.StartAsync(Bounded.Token(Bounded.Process));

        repo.AddWorktree("feature/live");

        var snapshot = await watcher.WaitForAsync(s => s.Find("feature/live") is not null, Bounded.Token(Notice));
        Assert.Equal(2, snapshot.Worktrees.Length);
    }

    [Fact]
    public async Task Watch_WorktreeRemoved_PublishedWithinTwoSeconds()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/leaving");
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = NoPoll };
        await watcher.StartAsync(Bounded.Token(Bounded.Process));

        repo.Git(repo.Primary, "worktree", "remove", folder);

        await watcher.WaitForAsync(s => s.Find("feature/leaving") is null, Bounded.Token(Notice));
    }

    [Fact]
    public async Task Watch_BranchSwitchInLinkedWorktree_PublishedWithinTwoSeconds()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/one");
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = NoPoll };
        await watcher.StartAsync(Bounded.Token(Bounded.Process));

        repo.Git(folder, "switch", "-q", "-c", "feature/two");

        var snapshot = await watcher.WaitForAsync(s => s.Find("feature/two") is not null, Bounded.Token(Notice));
        Assert.Equal(folder, snapshot.Find("feature/two")!.Path);
        Assert.Equal("feature-two", snapshot.Find("feature/two")!.Slug);
    }

    [Fact]
    public async Task Watch_BranchSwitchInPrimary_PublishedWithinTwoSeconds()
    {
        using var repo = TestRepository.Create();
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = NoPoll };
        await watcher.StartAsync(Bounded.Token(Bounded.Process));

        repo.Git(repo.Primary, "switch", "-q", "-c", "develop");

        var snapshot = await watcher.WaitForAsync(s => s.Primary?.Branch == "develop", Bounded.Token(Notice));
        Assert.Equal(4000, snapshot.Primary!.Port);
    }

    [Fact]
    public async Task Watch_WithoutFileEvents_PollStillNotices()
    {
        using var repo = TestRepository.Create();
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = TimeSpan.FromMilliseconds(300), WatchFiles = false };
        await watcher.StartAsync(Bounded.Token(Bounded.Process));

        repo.AddWorktree("feature/polled");

        await watcher.WaitForAsync(s => s.Find("feature/polled") is not null, Bounded.Token(Notice));
    }

    [Fact]
    public async Task Watch_BrokenConfig_GoesOnWithLastGoodConfigAndSaysWhy()
    {
        using var repo = TestRepository.Create();
        await using var watcher = new WorktreeWatcher(repo.Catalog()) { PollInterval = TimeSpan.FromMilliseconds(200) };
        var first = await watcher.StartAsync(Bounded.Token(Bounded.Process));

        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), "{ broken");
        var broken = await watcher.WaitForAsync(s => s.ConfigError is not null, Bounded.Token(Notice));
        repo.AddWorktree("feature/still-followed");
        var followed = await watcher.WaitForAsync(s => s.Find("feature/still-followed") is not null, Bounded.Token(Notice));
        File.Delete(Path.Combine(repo.Primary, "grove.json"));
        var fixedAgain = await watcher.WaitForAsync(s => s.ConfigError is null, Bounded.Token(Notice));

        Assert.Contains("not valid JSON", broken.ConfigError, StringComparison.Ordinal);
        Assert.Equal(first.Primary!.Port, followed.Primary!.Port);
        Assert.Null(watcher.LastError);
        Assert.Equal(2, fixedAgain.Worktrees.Length);
    }

    [Theory]
    [InlineData("HEAD", true)]
    [InlineData("worktrees/x/HEAD", true)]
    [InlineData("refs/heads/main", true)]
    [InlineData("objects/ab/cdef", false)]
    [InlineData("grove/state.db", false)]
    [InlineData("worktrees/x/index", false)]
    [InlineData("logs/HEAD", false)]
    public void IsRelevant_GitDirectoryPaths(string path, bool relevant) =>
        Assert.Equal(relevant, WorktreeWatcher.IsRelevant(path.Replace('/', Path.DirectorySeparatorChar)));

    [Fact]
    public void Guards_RejectNull() =>
        Assert.Throws<ArgumentNullException>(() => new WorktreeWatcher(null!));
}
