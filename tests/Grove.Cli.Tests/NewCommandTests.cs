using System.Text.Json;
using Grove.Slugs;
using Microsoft.Data.Sqlite;

namespace Grove.Cli.Tests;

public class NewCommandTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> ValidHostileNames => new()
    {
        "feat/$(touch${IFS}pwned)",
        "feat/`touch${IFS}pwned2`",
        "it's\"quoted\"",
        "a;b|c&d<e>f",
        "ünïcödé/brånch",
        "x/" + new string('y', 198),
    };

    [Fact]
    public async Task New_HostileBranchNames_ValidUniqueSlugsNothingExecuted()
    {
        using var repo = TestRepository.Create();
        string[] names = [.. ValidHostileNames, "Feature/X", "feature/x"];

        foreach (var name in names)
        {
            await GroveCli.SucceedAsync(repo.Primary, "new", name);
        }

        var listed = await ListAsync(repo.Primary);
        Assert.Equal(names.Length + 1, listed.Count);
        Assert.All(listed, w => Assert.True(Slug.IsValid(w.Slug), w.Slug));
        Assert.Equal(listed.Count, listed.Select(w => w.Slug).Distinct().Count());
        Assert.Equal(listed.Count, listed.Select(w => w.Port).Distinct().Count());
        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Where(w => !w.Primary).Select(w => w.Branch).Order(StringComparer.Ordinal));
        var parent = Path.GetDirectoryName(repo.Root)!;
        Assert.Empty(Directory.GetFiles(repo.Root, "pwned*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(parent, "pwned")));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("two..dots")]
    [InlineData("-leading-dash")]
    [InlineData("tilde~1")]
    [InlineData("ends.lock")]
    [InlineData("")]
    public async Task New_InvalidBranchName_RefusedAndNothingCreated(string name)
    {
        using var repo = TestRepository.Create();
        var before = Directory.GetFileSystemEntries(repo.Root);

        var result = await GroveCli.RunAsync(repo.Primary, "new", name);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a valid branch name", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(repo.Root));
        Assert.Equal("main", repo.Git(repo.Primary, "branch", "--format=%(refname:short)").Trim());
    }

    [Fact]
    public async Task New_DefaultPath_IsBesideTheRepository()
    {
        using var repo = TestRepository.Create();

        var output = await GroveCli.SucceedAsync(repo.Primary, "new", "feature/login", "--json");

        using var document = JsonDocument.Parse(output);
        Assert.Equal(Path.Combine(repo.Root, "repo-feature-login"), document.RootElement.GetProperty("path").GetString());
        Assert.Equal(4330, document.RootElement.GetProperty("port").GetInt32());
        Assert.True(File.Exists(Path.Combine(repo.Root, "repo-feature-login", "README.md")));
    }

    [Fact]
    public async Task New_FromAndPath_AreHonoured()
    {
        using var repo = TestRepository.Create();
        var first = repo.Git(repo.Primary, "rev-parse", "HEAD").Trim();
        File.WriteAllText(Path.Combine(repo.Primary, "second.txt"), "2");
        repo.Git(repo.Primary, "add", "second.txt");
        repo.Git(repo.Primary, "commit", "-q", "-m", "second");
        var folder = Path.Combine(repo.Root, "custom place");

        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/old", "--from", first, "--path", folder);

        Assert.Equal(first, repo.Git(folder, "rev-parse", "HEAD").Trim());
        Assert.Equal("feature/old", repo.Git(folder, "branch", "--show-current").Trim());
    }

    [Fact]
    public async Task New_RelativePath_IsTakenFromTheCurrentFolder()
    {
        using var repo = TestRepository.Create();
        var elsewhere = Directory.CreateDirectory(Path.Combine(repo.Root, "elsewhere")).FullName;

        await GroveCli.SucceedAsync(elsewhere, "new", "feature/rel", "--path", "here", "--repo", repo.Primary);

        Assert.True(File.Exists(Path.Combine(elsewhere, "here", "README.md")));
        Assert.Empty(repo.Git(repo.Primary, "status", "--porcelain"));
    }

    [Fact]
    public async Task New_BranchOfAMissingWorktree_SaysToRemoveItFirst()
    {
        using var repo = TestRepository.Create();
        var gone = repo.AddWorktree("feature/gone");
        Directory.Delete(gone, recursive: true);

        var result = await GroveCli.RunAsync(repo.Primary, "new", "feature/gone");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("folder is gone", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove rm", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_ExistingBranch_OpensItWithoutCreating()
    {
        using var repo = TestRepository.Create();
        repo.Git(repo.Primary, "branch", "existing");

        await GroveCli.SucceedAsync(repo.Primary, "new", "existing");
        var again = await GroveCli.RunAsync(repo.Primary, "new", "existing");
        var withFrom = await GroveCli.RunAsync(repo.Primary, "new", "main", "--from", "HEAD");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already checked out", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, withFrom.ExitCode);
    }

    [Fact]
    public async Task New_UnknownFrom_SaysSoAndCreatesNothing()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunAsync(repo.Primary, "new", "feature/x", "--from", "no-such-ref");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--from 'no-such-ref'", result.StandardError, StringComparison.Ordinal);
        Assert.Single(await ListAsync(repo.Primary));
    }

    [Fact]
    public async Task New_EightConcurrentProcesses_DistinctPortsAndSlugsStoreIntact()
    {
        using var repo = TestRepository.Create();
        await GroveCli.SucceedAsync(repo.Primary, "ls");

        var runs = Enumerable.Range(0, 8).Select(i => GroveCli.RunAsync(repo.Primary, "new", $"agent/{i}")).ToList();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.Succeeded, r.StandardError));
        var listed = await ListAsync(repo.Primary);
        Assert.Equal(9, listed.Count);
        Assert.Equal(9, listed.Select(w => w.Port).Distinct().Count());
        Assert.Equal(9, listed.Select(w => w.Slug).Distinct().Count());
        using var connection = new SqliteConnection($"Data Source={Path.Combine(repo.CommonGitDirectory, "grove", "state.db")};Mode=ReadOnly");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar());
        check.CommandText = "SELECT count(*) FROM leases;";
        Assert.Equal(9L, check.ExecuteScalar());
    }

    internal static async Task<List<Listed>> ListAsync(string directory)
    {
        var json = await GroveCli.SucceedAsync(directory, "ls", "--json");
        return JsonSerializer.Deserialize<List<Listed>>(json, WebJson)!;
    }

    internal sealed record Listed(string Slug, string? Branch, string Path, int Port, bool Primary, bool Locked, bool Prunable);
}
