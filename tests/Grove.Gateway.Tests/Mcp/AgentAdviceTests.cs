using Grove.Gateway.Mcp;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Gateway.Tests.Mcp;

/// <summary>
/// The engine's refusals of a removal, from a real repository, as an MCP tool says them: no CLI
/// flag (<c>--force</c>, <c>--delete-branch</c>) that the tool does not have.
/// </summary>
public class AgentAdviceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RemovalRefusals_OfferNoFlagTheToolLacks()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), ".env\n");
        repo.CommitAll("ignore .env");
        var locked = repo.AddWorktree("feature/locked");
        repo.Git(repo.Primary, "worktree", "lock", locked);
        var secrets = repo.AddWorktree("feature/secrets");
        File.WriteAllText(Path.Combine(secrets, ".env"), "KEY=1\n");
        var unmerged = repo.AddWorktree("feature/unmerged");
        File.WriteAllText(Path.Combine(unmerged, "new.txt"), "work");
        repo.Git(unmerged, "add", "-A");
        repo.Git(unmerged, "commit", "-qm", "work");
        var remover = new WorktreeRemover(new WorktreeCatalog(new Git(), repo.CommonGitDirectory));

        var lockedFix = await FixAsync(remover, "feature-locked", deleteBranch: false);
        var secretsFix = await FixAsync(remover, "feature-secrets", deleteBranch: false);
        var unmergedFix = await FixAsync(remover, "feature-unmerged", deleteBranch: true);

        Assert.Equal($"unlock it with 'git worktree unlock {locked}' (remove_worktree never discards work: a person can, with 'grove rm --force')", lockedFix);
        Assert.Equal("copy what you need elsewhere first (remove_worktree never discards work: a person can, with 'grove rm --force')", secretsFix);
        Assert.Equal("merge it first, or pass deleteBranch: false (and delete it later with 'git branch -D feature/unmerged' if you are sure)", unmergedFix);
    }

    [Fact]
    public void LogsHint_PointsAtTheLogTool()
    {
        Assert.Equal("read lastLogLines (get_logs for more)", AgentAdvice.ForTools("see 'grove logs feature-x'"));
        Assert.Null(AgentAdvice.ForTools(null));
    }

    private static async Task<string?> FixAsync(WorktreeRemover remover, string worktree, bool deleteBranch)
    {
        var refused = await Assert.ThrowsAsync<GroveException>(() => remover.CheckAsync(worktree, force: false, deleteBranch, Ct));
        return AgentAdvice.ForTools(refused.Fix);
    }
}
