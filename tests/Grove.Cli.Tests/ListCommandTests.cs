using System.Text.Json;

namespace Grove.Cli.Tests;

public class ListCommandTests
{
    private static readonly string[] ContractFields =
        ["slug", "branch", "path", "head", "primary", "port", "url", "gatewayUrl", "state", "locked", "prunable", "database"];

    [Fact]
    public async Task LsJson_HasEveryContractField()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("feature/login");

        var json = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");

        using var document = JsonDocument.Parse(json);
        Assert.Equal(2, document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            foreach (var field in ContractFields)
            {
                Assert.True(item.TryGetProperty(field, out _), $"missing '{field}' in {item}");
            }
        }

        var linked = document.RootElement.EnumerateArray().Single(e => e.GetProperty("branch").GetString() == "feature/login");
        Assert.Equal(4330, linked.GetProperty("port").GetInt32());
        Assert.Equal("feature-login", linked.GetProperty("slug").GetString());
        Assert.False(linked.GetProperty("primary").GetBoolean());
        Assert.Equal(repo.Git(repo.Primary, "rev-parse", "feature/login").Trim(), linked.GetProperty("head").GetString());
    }

    [Fact]
    public async Task Ls_Table_ShowsEveryWorktree()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("feature/table");

        var table = await GroveCli.SucceedAsync(repo.Primary, "ls");

        Assert.Contains("feature-table", table, StringComparison.Ordinal);
        Assert.Contains("main *", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_RepoOption_WorksFromOutside()
    {
        using var repo = TestRepository.Create();
        using var elsewhere = new TempFolder();

        var json = await GroveCli.SucceedAsync(elsewhere.Path, "ls", "--json", "--repo", repo.Primary);

        Assert.Contains("\"main\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_OutsideAnyRepository_NamesTheFix()
    {
        using var elsewhere = new TempFolder();

        var result = await GroveCli.RunAsync(elsewhere.Path, "ls");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not inside a git repository", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--repo", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_BrokenConfig_ListsEveryErrorAndFails()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "ports": { "base": -1 }, "gateway": { "port": "x" } }""");

        var result = await GroveCli.RunAsync(repo.Primary, "ls");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ports.base", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gateway.port", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Ls_StateFolderCannotBeCreated_NamesTheFix()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.CommonGitDirectory, "grove"), "a file where the state folder should be");

        var result = await GroveCli.RunAsync(repo.Primary, "ls");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("grove: cannot create or open the state store", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix:", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateReset_TwiceInARow_KeepsBothBackups()
    {
        using var repo = TestRepository.Create();
        var state = Path.Combine(repo.CommonGitDirectory, "grove", "state.db");
        await GroveCli.SucceedAsync(repo.Primary, "ls");

        await GroveCli.SucceedAsync(repo.Primary, "state", "reset");
        await GroveCli.SucceedAsync(repo.Primary, "ls");
        await GroveCli.SucceedAsync(repo.Primary, "state", "reset");

        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(state)!, "state.db.broken-*").Count(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Ls_DamagedStateStore_FailsFastWithRecovery()
    {
        using var repo = TestRepository.Create();
        var before = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");
        var state = Path.Combine(repo.CommonGitDirectory, "grove", "state.db");
        File.WriteAllBytes(state, [.. Enumerable.Repeat((byte)0x5A, 4096)]);

        var broken = await GroveCli.RunAsync(repo.Primary, "ls");
        var reset = await GroveCli.SucceedAsync(repo.Primary, "state", "reset");
        var again = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("damaged", broken.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove state reset", broken.StandardError, StringComparison.Ordinal);
        Assert.Contains("moved the state store", reset, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(state)!, "state.db.broken-*"));
        // The port derived again: 4000, or the same one as before when another program holds 4000.
        Assert.Contains(PrimaryPort(before), again, StringComparison.Ordinal);
    }

    private static string PrimaryPort(string json) =>
        json.Split('\n').First(line => line.TrimStart().StartsWith("\"port\":", StringComparison.Ordinal)).Trim().TrimEnd(',');
}
