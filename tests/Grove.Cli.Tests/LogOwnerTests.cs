using Grove.State;
using Grove.Supervision;

namespace Grove.Cli.Tests;

/// <summary>A worktree removed outside Grove, and a new one with the same slug in another folder: the old log is not the new one's.</summary>
public class LogOwnerTests
{
    [Fact]
    public async Task Logs_NewWorktreeWithTheSlugOfOneRemovedOutsideGrove_ShowsNoneOfItsLines()
    {
        using var repo = TestRepository.Create();
        var removed = repo.AddWorktree("feature/x", "repo-x-first");
        using (var log = new LogHub(new StateStore(repo.CommonGitDirectory), TimeProvider.System).Open("feature-x", removed))
        {
            log.Write("out", "a line of the removed worktree's app"); // as the grove up that ran it wrote it
        }

        repo.Git(repo.Primary, "worktree", "remove", removed); // outside Grove, while no grove up runs
        repo.Git(repo.Primary, "worktree", "add", "-q", Path.Combine(repo.Root, "repo-x-second"), "feature/x"); // the branch again, in another folder

        var result = await GroveCli.RunAsync(repo.Primary, "logs", "feature-x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("feature-x has no log yet", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("removed worktree", result.StandardOutput, StringComparison.Ordinal);
    }
}
