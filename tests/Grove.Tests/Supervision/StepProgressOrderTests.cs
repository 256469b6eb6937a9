using Grove.Configuration;
using Grove.Dependencies;
using Grove.Processes;
using Grove.Supervision;

namespace Grove.Tests.Supervision;

/// <summary>A step's progress lines are in the worktree's log when the step returns, before whatever the runner writes next.</summary>
public class StepProgressOrderTests
{
    [Fact]
    public async Task Install_Returned_ItsProgressLinesAreAlreadyLoggedInOrder()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "install": [ { "command": "true" } ] }""");
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "an install step");
        using var logs = new TempFolder();
        var worktree = (await repo.Catalog().SnapshotAsync(TestContext.Current.CancellationToken)).Worktrees.Single();
        var config = GroveConfigLoader.LoadFromWorktree(repo.Primary);
        var step = new DependencyStep(new DependencyInstaller(repo.CommonGitDirectory));

        for (var run = 0; run < 20; run++) // the thread pool often, not always, wrote them late
        {
            using var log = new WorktreeLog(Path.Combine(logs.Path, $"run{run}.log"));
            var lines = new List<string>();
            log.LineWritten += line => { lock (lines) { lines.Add(line); } };

            await step.RunAsync(worktree, config, log, force: false, TestContext.Current.CancellationToken);
            log.Write("grove", "state Starting");

            lock (lines)
            {
                var last = lines.FindLastIndex(line => line.Contains("[grove] install[0]:", StringComparison.Ordinal));
                Assert.True(last >= 0 && last < lines.FindIndex(line => line.EndsWith("state Starting", StringComparison.Ordinal)), string.Join('\n', lines));
            }
        }
    }
}
