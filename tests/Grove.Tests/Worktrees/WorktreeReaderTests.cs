using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Tests.Worktrees;

public class WorktreeReaderTests
{
    private static CancellationToken Ct => Bounded.Token(Bounded.Process);

    [Fact]
    public async Task ReadAsync_Guards_RejectMissingArguments()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => WorktreeReader.ReadAsync(null!, "/tmp", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => WorktreeReader.ReadAsync(new Git(), " ", Ct));
    }

    [Fact]
    public async Task ReadAsync_MainAndLinked_MainFirstWithHeadsBranchesAndLockReason()
    {
        using var repo = TestRepository.Create();
        var linked = repo.AddWorktree("feature/login");
        repo.Git(repo.Primary, "worktree", "lock", "--reason", "agent at work", linked);

        var entries = await WorktreeReader.ReadAsync(new Git(), repo.CommonGitDirectory, Ct);

        Assert.Equal(2, entries.Count);
        Assert.Equal((repo.Primary, "main", false), (entries[0].Path, entries[0].Branch, entries[0].IsLocked));
        Assert.Equal((linked, "feature/login", true, "agent at work"), (entries[1].Path, entries[1].Branch, entries[1].IsLocked, entries[1].LockReason));
        Assert.Equal(repo.Git(repo.Primary, "rev-parse", "HEAD").Trim(), entries[1].Head);
    }

    [Fact]
    public async Task ReadAsync_NotARepository_FailsSayingGitCouldNotList()
    {
        using var folder = new TempFolder("grove-not-a-repo");

        var error = await Assert.ThrowsAsync<GroveException>(() => WorktreeReader.ReadAsync(new Git(), folder.Path, Ct));

        Assert.Contains("git could not list the worktrees", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Fix);
    }
}
