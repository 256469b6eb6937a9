using System.Diagnostics;
using System.Text.Json;
using Grove.Processes;

namespace Grove.Cli.Tests;

/// <summary>
/// <c>grove new</c> is one operation: killed (SIGKILL) at any step, the next <c>grove new</c> of
/// the same branch finishes with a fresh database and nothing is left over; failed at its database
/// step, it removes what it made and only that.
/// </summary>
[Collection(PostgresGroup.Name)]
public class NewCommandCrashTests(PostgresFixture postgres)
{
    /// <summary>About 60 MB: a copy takes long enough here to be caught in the middle.</summary>
    private const string Big = "CREATE TABLE items AS SELECT g AS id, repeat(md5(g::text), 6) AS payload FROM generate_series(1, 300000) g;";

    [Theory]
    [InlineData(CrashPoint.AfterWorktreeAdd)]
    [InlineData("during-create-database")]
    [InlineData(CrashPoint.BeforeRename)]
    public async Task New_KilledAtAStep_TheNextNewOfTheBranchSucceedsWithAFreshDatabaseAndNothingLeft(string point)
    {
        // Spares off: the copy itself is what can be interrupted (a claimed spare is a rename).
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(out var name), Big);
        await GroveCli.SucceedAsync(repo.Primary, "db", "template");

        var killed = point == "during-create-database"
            ? await KillDuringCreateDatabaseAsync(repo.Primary, name)
            : await RunKilledAtAsync(repo.Primary, point);
        var afterCrash = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json")).RootElement; // any grove command settles it
        var again = await GroveCli.RunAsync(repo.Primary, "new", "feat/y");
        var listed = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "ls", "--json")).RootElement;
        var owned = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json")).RootElement;

        Assert.True(killed, $"grove new was not killed at {point}");
        Assert.All(afterCrash.EnumerateArray(), d => Assert.True(d.GetProperty("ready").GetBoolean(), $"left unfinished after the crash: {d}"));
        Assert.True(again.Succeeded, $"the second grove new failed: {again.StandardError}");
        Assert.Equal(2, listed.GetArrayLength());
        var worktree = listed.EnumerateArray().Single(w => w.GetProperty("branch").GetString() == "feat/y");
        Assert.Equal("ready", worktree.GetProperty("database").GetProperty("state").GetString());
        Assert.Equal(
            new[] { $"{name}__template", $"{name}_feat-y" }.Order(StringComparer.Ordinal),
            (await postgres.DatabasesAsync(name)).Order(StringComparer.Ordinal)); // no half-made __new_ copy left
        Assert.Equal(300000L, await postgres.ScalarAsync<long>($"{name}_feat-y", "SELECT count(*) FROM items;"));
        Assert.All(owned.EnumerateArray(), d => Assert.True(d.GetProperty("ready").GetBoolean(), $"{d} is not ready"));
        Assert.Single(repo.Git(repo.Primary, "branch", "--list", "feat/y").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task New_DatabaseStepFails_RemovesTheWorktreeAndTheBranchItMadeButNeverAnExistingBranch()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(out var name));
        await postgres.ExecuteAsync(null, $"CREATE DATABASE \"{name}_feat-z\";"); // someone else's database under the branch's name
        await postgres.ExecuteAsync(null, $"CREATE DATABASE \"{name}_feat-w\";");
        repo.Git(repo.Primary, "branch", "feat/w"); // existed before grove new

        var fresh = await GroveCli.RunAsync(repo.Primary, "new", "feat/z");
        var existing = await GroveCli.RunAsync(repo.Primary, "new", "feat/w");
        var listed = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "ls", "--json")).RootElement;

        Assert.Equal(1, fresh.ExitCode);
        Assert.Contains("nothing was kept", fresh.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix:", fresh.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, existing.ExitCode);
        Assert.Contains("branch 'feat/w', which existed before, kept", existing.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, listed.GetArrayLength()); // only the primary worktree
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "repo-feat-z")));
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "repo-feat-w")));
        Assert.Empty(repo.Git(repo.Primary, "branch", "--list", "feat/z").Trim());
        Assert.NotEmpty(repo.Git(repo.Primary, "branch", "--list", "feat/w").Trim());
        Assert.Equal(
            new[] { $"{name}__template", $"{name}_feat-w", $"{name}_feat-z" }.Order(StringComparer.Ordinal),
            (await postgres.DatabasesAsync(name)).Order(StringComparer.Ordinal)); // the foreign ones untouched
    }

    [Fact]
    public async Task New_ResumedAfterTheUserWorkedInItsWorktree_NeverDeletesTheWork()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(out var name));
        Assert.True(await RunKilledAtAsync(repo.Primary, CrashPoint.AfterWorktreeAdd, "feat/b"));
        var folder = Path.Combine(repo.Root, "repo-feat-b");
        File.WriteAllText(Path.Combine(folder, "important.txt"), "work");
        repo.Git(folder, "add", "important.txt");
        repo.Git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "my work");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not committed");
        await postgres.ExecuteAsync(null, $"CREATE DATABASE \"{name}_feat-b\";"); // the resumed database step fails

        var resumed = await GroveCli.RunAsync(repo.Primary, "new", "feat/b");

        Assert.Equal(1, resumed.ExitCode);
        Assert.Contains("has work in it now", resumed.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));
        Assert.Contains("my work", repo.Git(repo.Primary, "log", "-1", "--format=%s", "feat/b"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_AfterAnInterruptedRunsWorktreeWasRemovedWithItsWorkCommitted_OpensTheBranchWithTheWork()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(out _));
        Assert.True(await RunKilledAtAsync(repo.Primary, CrashPoint.AfterWorktreeAdd, "feat/c"));
        var folder = Path.Combine(repo.Root, "repo-feat-c");
        File.WriteAllText(Path.Combine(folder, "f"), "work");
        repo.Git(folder, "add", "f");
        repo.Git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "my work");
        await GroveCli.SucceedAsync(repo.Primary, "rm", "feat/c");

        var again = await GroveCli.RunAsync(repo.Primary, "new", "feat/c");

        Assert.True(again.Succeeded, again.StandardError);
        Assert.Contains("my work", repo.Git(repo.Primary, "log", "-1", "--format=%s", "feat/c"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "f")));
    }

    /// <summary>Runs <c>grove new &lt;branch&gt;</c>, which kills itself at <paramref name="point"/>; true when it did.</summary>
    private static async Task<bool> RunKilledAtAsync(string directory, string point, string branch = "feat/y")
    {
        var result = await ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "new", branch], directory)
            {
                Environment = new Dictionary<string, string?> { [CrashPoint.Variable] = point },
            },
            Bounded.Token(Bounded.Process));
        return result.ExitCode != 0 && result.StandardError.Contains($"{CrashPoint.Variable}={point}", StringComparison.Ordinal);
    }

    /// <summary>Starts <c>grove new feat/y</c> and SIGKILLs it while the server runs its CREATE DATABASE; true when it was caught there.</summary>
    private async Task<bool> KillDuringCreateDatabaseAsync(string directory, string name)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "grove.dll"), "new", "feat/y" },
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        _ = process.StandardOutput.ReadToEndAsync(Bounded.Token(Bounded.Process));
        _ = process.StandardError.ReadToEndAsync(Bounded.Token(Bounded.Process));
        var creating = $"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE \"{name}\\_\\_new\\_%';";
        var limit = Stopwatch.StartNew();
        while (!process.HasExited && limit.Elapsed < Bounded.Process)
        {
            if (await postgres.ScalarAsync<long>(null, creating) > 0)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(Bounded.Token(Bounded.Process));
                return true;
            }
        }

        await process.WaitForExitAsync(Bounded.Token(Bounded.Process));
        return false;
    }

    private string Database(out string name)
    {
        name = "c" + Guid.NewGuid().ToString("N")[..10];
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["provider"] = "postgres",
            ["name"] = name,
            ["seed"] = "db/seed.sql",
            ["connectionString"] = postgres.ConnectionString,
            ["spares"] = 0,
        });
    }
}
