using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Tests.Databases;

/// <summary>Which branch databases are orphaned, judged against real worktrees of a real repository.</summary>
public class OrphansTests
{
    private static CancellationToken Ct => Bounded.Token(Bounded.Process);

    [Fact]
    public async Task IsOrphaned_WorktreeOfItsSlugStillThere_No()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/live");
        var database = Branch("feature-live", folder, DateTimeOffset.UtcNow);

        Assert.False(Orphans.IsOrphaned(database, await WorktreesAsync(repo)));
    }

    [Fact]
    public async Task IsOrphaned_WorktreeRemovedOutsideGrove_Yes()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/gone");
        var database = Branch("feature-gone", folder, DateTimeOffset.UtcNow);
        repo.Git(repo.Primary, "worktree", "remove", folder);

        Assert.True(Orphans.IsOrphaned(database, await WorktreesAsync(repo)));
    }

    [Fact]
    public async Task IsOrphaned_NewWorktreeOfTheSameBranchMadeAfterIt_Yes()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/again");
        var database = Branch("feature-again", folder, DateTimeOffset.UtcNow);
        repo.Git(repo.Primary, "worktree", "remove", folder);
        await Task.Delay(20, Ct);
        repo.Git(repo.Primary, "worktree", "add", "-q", folder, "feature/again");

        Assert.True(Orphans.IsOrphaned(database, await WorktreesAsync(repo)));
        Assert.True(Orphans.MadeBefore(database, folder));
    }

    [Fact]
    public async Task IsOrphaned_WorktreeSwitchedToAnotherBranch_NoItKeepsTheDatabaseOfItsFormerBranch()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/first");
        var database = Branch("feature-first", folder, DateTimeOffset.UtcNow);
        repo.Git(folder, "switch", "-q", "-c", "feature/second");

        Assert.False(Orphans.IsOrphaned(database, await WorktreesAsync(repo)));
    }

    [Fact]
    public async Task IsOrphaned_TemplatesSparesAndThePrimarysBranch_Never()
    {
        using var repo = TestRepository.Create();
        var worktrees = await WorktreesAsync(repo);
        var longAgo = DateTimeOffset.UnixEpoch;

        Assert.False(Orphans.IsOrphaned(Branch("main", repo.Primary, longAgo), worktrees)); // the primary is never made after its database
        Assert.False(Orphans.IsOrphaned(Branch("gone", "/nowhere", longAgo) with { Kind = OwnedKind.Template, Slug = null }, worktrees));
        Assert.False(Orphans.IsOrphaned(Branch("gone", "/nowhere", longAgo) with { Kind = OwnedKind.Spare }, worktrees));
        Assert.False(Orphans.IsOrphaned(Branch("gone", "/nowhere", longAgo) with { Ready = false }, worktrees));
    }

    private static async Task<IReadOnlyList<WorktreeSnapshot>> WorktreesAsync(TestRepository repo) =>
        (await repo.Catalog().SnapshotAsync(Ct)).Worktrees;

    private static OwnedDatabase Branch(string slug, string worktree, DateTimeOffset createdAt) =>
        new("sqlite", "sqlite", $"/state/{slug}.db", OwnedKind.Branch, $"/state/{slug}.db", null, worktree, slug, null, Ready: true, createdAt);
}
