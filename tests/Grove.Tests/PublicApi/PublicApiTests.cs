using System.Reflection;
using Grove.Hosting;

namespace Grove.Tests.PublicApi;

/// <summary>
/// The engine's public surface (the host, snapshots, commands and results, the configuration
/// model) is a contract: it changes only on purpose, together with <c>src/Grove/PublicAPI.txt</c>.
/// </summary>
public class PublicApiTests
{
    private const string AcceptVariable = "GROVE_ACCEPT_PUBLIC_API";

    [Fact]
    public void PublicSurface_MatchesTheBaselineFile()
    {
        var baselinePath = Path.Combine(RepositoryRoot(), "src", "Grove", "PublicAPI.txt");
        var actual = ApiText.Of(typeof(GroveHost).Assembly);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(baselinePath, actual);
        }

        var baseline = File.Exists(baselinePath) ? File.ReadAllText(baselinePath) : string.Empty;
        var expected = baseline.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var got = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var added = got.Except(expected, StringComparer.Ordinal).ToList();
        var removed = expected.Except(got, StringComparer.Ordinal).ToList();
        Assert.True(
            added.Count == 0 && removed.Count == 0,
            $"the engine's public surface changed:\n{string.Join('\n', added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l)))}\n"
            + $"if that is meant, update {baselinePath} ({AcceptVariable}=1 dotnet test tests/Grove.Tests --filter PublicApi writes it) and say why in the commit");
    }

    [Fact]
    public void PublicSurface_IsTheHostSnapshotsCommandsConfigurationAndJsonContract()
    {
        var exported = typeof(GroveHost).Assembly.GetExportedTypes().Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
        [
            "Grove.Configuration.AppConfig", "Grove.Configuration.CommandConfig", "Grove.Configuration.ConfigException", "Grove.Configuration.DatabaseConfig",
            "Grove.Configuration.DatabaseProvider", "Grove.Configuration.GitHubConfig", "Grove.Configuration.GroveConfig", "Grove.Configuration.GroveConfigLoader",
            "Grove.Contracts.DatabaseJson", "Grove.Contracts.IssueJson", "Grove.Contracts.PullRequestJson", "Grove.Contracts.StepJson", "Grove.Contracts.WorktreeJson", "Grove.Contracts.WorktreeStateNames",
            "Grove.GitHub.PruneResult", "Grove.GitHub.PruneSkip", "Grove.GitHub.PullRequestChecks", "Grove.GitHub.PullRequestState", "Grove.GitHub.PullRequestStatus", "Grove.GitHub.WorktreeIssue",
            "Grove.GroveException",
            "Grove.Hosting.CommandOutcome", "Grove.Hosting.CommandResult", "Grove.Hosting.CreateWorktreeRequest", "Grove.Hosting.GroveHost",
            "Grove.Hosting.GroveHostOptions", "Grove.Hosting.IGroveHost", "Grove.Hosting.LogLine", "Grove.Hosting.LogSource",
            "Grove.Hosting.RemoveWorktreeRequest", "Grove.Hosting.WorktreeCommand", "Grove.Hosting.WorktreeCommands",
            "Grove.Ports.PortRange", "Grove.Supervision.SupervisorOptions",
            "Grove.Worktrees.DatabaseServerInfo", "Grove.Worktrees.RepositoryLocation", "Grove.Worktrees.RepositorySnapshot", "Grove.Worktrees.WorktreeDatabase",
            "Grove.Worktrees.WorktreeSnapshot", "Grove.Worktrees.WorktreeState", "Grove.Worktrees.WorktreeStep",
        ],
        exported);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Aspire.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Aspire.sln above {AppContext.BaseDirectory}: run the tests from a clone of the repository");
    }
}
