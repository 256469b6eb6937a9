using System.Diagnostics;
using System.Text.Json;
using Grove.Databases;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grove.Cli.Tests;

public class DatabaseCommandTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task NewEnvLsResetDbFromRm_Sqlite_EachWorktreeGetsItsOwnDatabase()
    {
        using var repo = Configure(TestRepository.Create(), """{ "provider": "sqlite", "name": "app", "seed": "db/seed.sql" }""");

        var created = await GroveCli.SucceedAsync(repo.Primary, "new", "feature/x");
        var worktree = Path.Combine(repo.Root, "repo-feature-x");
        var env = await GroveCli.SucceedAsync(worktree, "env");
        var file = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "feature-x.db");
        Execute(file, "INSERT INTO items VALUES (3, 'written in feature-x');");
        var listed = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "ls", "--json")).RootElement;
        await GroveCli.SucceedAsync(repo.Primary, "new", "copy", "--db-from", "feature-x");
        var copied = Count(Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "copy.db"));
        await GroveCli.SucceedAsync(repo.Primary, "db", "reset", "feature-x");
        var afterReset = Count(file);
        var owned = JsonSerializer.Deserialize<List<OwnedJson>>(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"), WebJson)!;
        var removed = await GroveCli.SucceedAsync(repo.Primary, "rm", "copy");
        var kept = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-x", "--keep-db");

        Assert.Contains("database sqlite feature-x.db", created, StringComparison.Ordinal);
        Assert.Contains($"export ConnectionStrings__app='Data Source={file}'", env, StringComparison.Ordinal);
        Assert.Contains($"export DATABASE_URL='sqlite://{file}'", env, StringComparison.Ordinal);
        var database = listed.EnumerateArray().Single(w => w.GetProperty("slug").GetString() == "feature-x").GetProperty("database");
        Assert.Equal("sqlite", database.GetProperty("provider").GetString());
        Assert.Equal("feature-x.db", database.GetProperty("name").GetString());
        Assert.Equal(3L, copied);
        Assert.Equal(2L, afterReset);
        Assert.Contains(owned, d => d.Kind == "template" && d.Ready);
        Assert.Contains(owned, d => d.Slug == "copy" && d.Ready);
        Assert.Contains("database copy.db dropped", removed, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "copy.db")));
        Assert.Contains("database feature-x.db kept", kept, StringComparison.Ordinal);
        Assert.Equal(2L, Count(file));
    }

    [Fact]
    public async Task OrphanedDatabases_Sqlite_ListedDroppedPrunedAndNeverHandedToANewWorktreeAsFresh()
    {
        using var repo = Configure(TestRepository.Create(), """{ "provider": "sqlite", "name": "app", "seed": "db/seed.sql" }""");
        var folder = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app");
        foreach (var name in new[] { "x", "y", "z", "w" })
        {
            await GroveCli.SucceedAsync(repo.Primary, "new", $"feature/{name}");
            Execute(Path.Combine(folder, $"feature-{name}.db"), "INSERT INTO items VALUES (3, 'an old row');");
            repo.Git(repo.Primary, "worktree", "remove", "--force", Path.Combine(repo.Root, $"repo-feature-{name}")); // outside Grove
        }

        await GroveCli.SucceedAsync(repo.Primary, "db", "reset", "main");
        var listed = JsonSerializer.Deserialize<List<OwnedJson>>(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"), WebJson)!;
        var table = await GroveCli.SucceedAsync(repo.Primary, "db", "ls");
        var foreign = await GroveCli.RunAsync(repo.Primary, "db", "drop", "nope.db");
        var live = await GroveCli.RunAsync(repo.Primary, "db", "drop", "main.db");
        var dropped = await GroveCli.RunAsync(repo.Primary, "db", "drop", "feature-z.db");
        var fresh = await GroveCli.RunAsync(repo.Primary, "new", "feature/x");
        var reused = await GroveCli.RunAsync(repo.Primary, "new", "feature/y", "--keep-db");
        var pruned = await GroveCli.RunAsync(repo.Primary, "db", "prune");

        Assert.Equal(["orphaned", "orphaned", "orphaned", "orphaned"], listed.Where(d => d.Slug is not null && d.Slug.StartsWith("feature-", StringComparison.Ordinal)).Select(d => d.State));
        Assert.Equal("ready", listed.Single(d => d.Slug == "main").State);
        Assert.Contains("feature-x.db branch feature-x orphaned", System.Text.RegularExpressions.Regex.Replace(table, " +", " "), StringComparison.Ordinal);
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("never drops", foreign.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, live.ExitCode);
        Assert.Contains("grove db reset main", live.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "main.db")));
        Assert.True(dropped.ExitCode == 0, dropped.StandardError);
        Assert.False(File.Exists(Path.Combine(folder, "feature-z.db")));
        Assert.True(fresh.ExitCode == 0, fresh.StandardError);
        Assert.Contains("orphaned", fresh.StandardError, StringComparison.Ordinal);
        Assert.Equal(2L, Count(Path.Combine(folder, "feature-x.db"))); // branched anew: the old row is gone
        Assert.True(reused.ExitCode == 0, reused.StandardError);
        Assert.Equal(3L, Count(Path.Combine(folder, "feature-y.db"))); // asked for: the old data kept
        Assert.True(pruned.ExitCode == 0, pruned.StandardError);
        Assert.Contains("feature-w.db", pruned.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "feature-w.db")));
        Assert.True(File.Exists(Path.Combine(folder, "feature-x.db")) && File.Exists(Path.Combine(folder, "feature-y.db")) && File.Exists(Path.Combine(folder, "__template.db")));
        var after = JsonSerializer.Deserialize<List<OwnedJson>>(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"), WebJson)!;
        Assert.DoesNotContain(after, d => d.State == "orphaned");
    }

    [Fact]
    public async Task RmKeepDb_WorktreeThatNeverGotADatabase_SaysSoInsteadOfKept()
    {
        using var repo = Configure(TestRepository.Create(), """{ "provider": "sqlite", "name": "app", "seed": "db/seed.sql" }""");
        repo.AddWorktree("feature/plain"); // made by git, not by grove new: no database

        var output = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-plain", "--keep-db");

        Assert.Contains("it had no database of Grove's (feature-plain.db was never made)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("kept", output.Replace("branch 'feature/plain' kept", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbTemplate_SeedChangedOrRebuild_NewBranchesGetTheNewSeedOldOnesKeepTheirs()
    {
        using var repo = Configure(TestRepository.Create(), """{ "provider": "sqlite", "name": "app", "seed": "db/seed.sql" }""");
        var folder = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app");

        var built = await GroveCli.RunAsync(repo.Primary, "db", "template");
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/old");
        await File.AppendAllTextAsync(Path.Combine(repo.Primary, "db", "seed.sql"), "\nINSERT INTO items VALUES (3, 'c');", TestContext.Current.CancellationToken);
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/new");
        var rebuilt = await GroveCli.RunAsync(repo.Primary, "db", "template", "--rebuild");
        var unchanged = await GroveCli.RunAsync(repo.Primary, "db", "template");

        Assert.True(built.Succeeded, built.StandardError);
        Assert.Contains("building the template", built.StandardError, StringComparison.Ordinal);
        Assert.Equal(2L, Count(Path.Combine(folder, "feature-old.db")));
        Assert.Equal(3L, Count(Path.Combine(folder, "feature-new.db")));
        Assert.Contains("building the template", rebuilt.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("building the template", unchanged.StandardError, StringComparison.Ordinal);
        Assert.Contains("is ready", unchanged.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(3L, Count(Path.Combine(folder, "__template.db")));
    }

    [Fact]
    public async Task DbCommands_NoDatabaseConfigured_ClearErrorAndNothingCreated()
    {
        using var repo = TestRepository.Create();

        var reset = await GroveCli.RunAsync(repo.Primary, "db", "reset", "main");
        var dbFrom = await GroveCli.RunAsync(repo.Primary, "new", "feature/y", "--db-from", "main");
        var listed = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "ls", "--json")).RootElement;

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains("configures no database", reset.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: add a \"database\" section", reset.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, dbFrom.ExitCode);
        Assert.Single(listed.EnumerateArray());
        Assert.Equal(JsonValueKind.Null, listed[0].GetProperty("database").ValueKind);
    }

    [Fact]
    public async Task Ls_SeedInputsChangedSinceTheTemplate_WarnsWithTheFix()
    {
        RequiredTool.Check("sqlite3", "sqlite3");
        using var repo = TestRepository.Create();
        Directory.CreateDirectory(Path.Combine(repo.Primary, "db", "migrations"));
        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "001.sql"), "CREATE TABLE items (id INTEGER);");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """
            { "database": { "provider": "sqlite", "name": "app", "seedInputs": ["db/migrations/*.sql"],
                            "seedCommand": { "command": "sh", "args": ["-c", "cat db/migrations/*.sql | sqlite3 \"${DATABASE_URL#sqlite://}\""] } } }
            """);
        repo.CommitAll("migrations");
        await GroveCli.SucceedAsync(repo.Primary, "db", "template");

        var current = await GroveCli.RunAsync(repo.Primary, "ls");
        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "002.sql"), "INSERT INTO items VALUES (1);");
        var changed = await GroveCli.RunAsync(repo.Primary, "ls");

        Assert.True(current.Succeeded && changed.Succeeded, changed.StandardError);
        Assert.DoesNotContain("older than its seed", current.StandardError, StringComparison.Ordinal);
        Assert.Contains("the database template is older than its seed", changed.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: 'grove up' rebuilds it by itself", changed.StandardError, StringComparison.Ordinal);
    }

    internal static TestRepository Configure(TestRepository repo, string database, string seed = "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL); INSERT INTO items VALUES (1, 'a'), (2, 'b');")
    {
        Directory.CreateDirectory(Path.Combine(repo.Primary, "db"));
        File.WriteAllText(Path.Combine(repo.Primary, "db", "seed.sql"), seed);
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""{ "database": {{database}} }""");
        repo.Git(repo.Primary, "add", "-A");
        repo.Git(repo.Primary, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "grove.json");
        return repo;
    }

    private static void Execute(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Count(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM items;";
        return (long)command.ExecuteScalar()!;
    }

    private sealed record OwnedJson(string Provider, string Name, string Kind, string? Slug, bool Ready, string State);
}

[Collection(PostgresGroup.Name)]
public class PostgresCommandTests(PostgresFixture postgres)
{
    [Fact]
    public async Task LsAndEnv_GivenServer_PasswordOnlyInTheAppsEnvironment()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(postgres.ConnectionString, out var name));
        var password = new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Password!;

        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/pg");
        var listed = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");
        var dbList = await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json");
        var env = await GroveCli.SucceedAsync(Path.Combine(repo.Root, "repo-feature-pg"), "env");

        Assert.DoesNotContain(password, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(password, dbList, StringComparison.Ordinal);
        Assert.Contains($"\"name\": \"{name}_feature-pg\"", listed, StringComparison.Ordinal);
        Assert.Contains($"Database={name}_feature-pg", env, StringComparison.Ordinal);
        Assert.Contains(password, env, StringComparison.Ordinal);
        Assert.Equal(2L, await postgres.ScalarAsync<long>($"{name}_feature-pg", "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task NewResetTemplateRm_Spares_ClaimedRefilledAfterTheResultReplacedOnRebuildNeverDropped()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(postgres.ConnectionString, out var name));

        var created = await GroveCli.RunAsync(repo.Primary, "new", "feature/one");
        var first = Spares(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"));
        var reset = await GroveCli.RunAsync(repo.Primary, "db", "reset", "feature-one");
        var second = Spares(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"));
        var table = await GroveCli.SucceedAsync(repo.Primary, "db", "ls");
        await GroveCli.SucceedAsync(repo.Primary, "db", "template", "--rebuild");
        var third = Spares(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json"));
        var removed = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-one");

        Assert.True(created.Succeeded, created.StandardError);
        Assert.Contains($"branching {name}_feature-one", created.StandardError, StringComparison.Ordinal); // no spare yet: copied
        Assert.Contains("grove: preparing a spare branch of the template for the next worktree…", created.StandardError, StringComparison.Ordinal);
        Assert.Contains($"database postgres {name}_feature-one", created.StandardOutput, StringComparison.Ordinal);
        Assert.True(reset.Succeeded, reset.StandardError);
        Assert.Contains($"branched {name}_feature-one from the ready spare {Assert.Single(first)}", reset.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove: preparing a spare branch", reset.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Contains($"{Assert.Single(second)} spare", System.Text.RegularExpressions.Regex.Replace(table, " +", " "), StringComparison.Ordinal);
        Assert.NotEqual(second, third);
        Assert.Contains($"database {name}_feature-one dropped", removed, StringComparison.Ordinal);
        Assert.Equal(Assert.Single(third), Assert.Single(await postgres.DatabasesAsync($"{name}__spare_")));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(third[0], "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task OrphanedDatabase_Postgres_NewWorktreeBranchesAnewAndPruneDropsOnlyOrphans()
    {
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(postgres.ConnectionString, out var name));
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/pg");
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/live");
        var branch = $"{name}_feature-pg";
        await postgres.ExecuteAsync(branch, "INSERT INTO items VALUES (3, 'an old row');");
        repo.Git(repo.Primary, "worktree", "remove", "--force", Path.Combine(repo.Root, "repo-feature-pg")); // outside Grove

        var listed = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json")).RootElement;
        var fresh = await GroveCli.RunAsync(repo.Primary, "new", "feature/pg");
        var rows = await postgres.ScalarAsync<long>(branch, "SELECT count(*) FROM items;");
        repo.Git(repo.Primary, "worktree", "remove", "--force", Path.Combine(repo.Root, "repo-feature-pg"));
        var pruned = await GroveCli.RunAsync(repo.Primary, "db", "prune");

        Assert.Equal("orphaned", listed.EnumerateArray().Single(d => d.GetProperty("name").GetString() == branch).GetProperty("state").GetString());
        Assert.Equal("ready", listed.EnumerateArray().Single(d => d.GetProperty("name").GetString() == $"{name}_feature-live").GetProperty("state").GetString());
        Assert.True(fresh.ExitCode == 0, fresh.StandardError);
        Assert.Contains($"{branch} was left by an earlier worktree", fresh.StandardError, StringComparison.Ordinal);
        Assert.Equal(2L, rows);
        Assert.True(pruned.ExitCode == 0, pruned.StandardError);
        Assert.Contains(branch, pruned.StandardOutput, StringComparison.Ordinal);
        var databases = await postgres.DatabasesAsync(name);
        Assert.DoesNotContain(branch, databases);
        Assert.Contains($"{name}_feature-live", databases);
        Assert.Contains($"{name}__template", databases);
    }

    private static List<string> Spares(string dbLsJson) =>
        [.. JsonDocument.Parse(dbLsJson).RootElement.EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() == "spare" && d.GetProperty("ready").GetBoolean())
            .Select(d => d.GetProperty("name").GetString()!)];

    [Fact]
    public async Task DbReset_GroveKilledInTheMiddleOfAClone_NextRunLeavesNoHalfMadeOrOrphanDatabase()
    {
        const string big = "CREATE TABLE items AS SELECT g AS id, repeat(md5(g::text), 6) AS payload FROM generate_series(1, 300000) g;";
        // Spares off: this is about the copy itself (a claimed spare is a rename; see PostgresSpareTests).
        using var repo = DatabaseCommandTests.Configure(TestRepository.Create(), Database(postgres.ConnectionString, out var name, spares: 0), big);
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/kill");
        var branch = $"{name}_feature-kill";
        await postgres.ExecuteAsync(branch, "DELETE FROM items WHERE id > 10;");
        var kills = 0;

        foreach (var delay in new[] { 0, 50, 150, 300, 500 })
        {
            kills += await KillDuringCloneAsync(repo.Primary, delay) ? 1 : 0;
            var databases = await postgres.DatabasesAsync(name);
            Assert.Contains($"{name}__template", databases);
        }

        await GroveCli.SucceedAsync(repo.Primary, "db", "reset", "feature-kill");
        await GroveCli.SucceedAsync(repo.Primary, "db", "reset", "feature-kill");
        var owned = JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "db", "ls", "--json")).RootElement;

        Assert.True(kills >= 3, $"only {kills} runs were killed while cloning");
        Assert.Equal(new[] { branch, $"{name}__template" }.Order(StringComparer.Ordinal), (await postgres.DatabasesAsync(name)).Order(StringComparer.Ordinal));
        Assert.Equal(300000L, await postgres.ScalarAsync<long>(branch, "SELECT count(*) FROM items;"));
        Assert.All(owned.EnumerateArray(), d => Assert.True(d.GetProperty("ready").GetBoolean()));
    }

    /// <summary>Starts 'grove db reset', kills it <paramref name="delay"/> ms after it starts cloning; true when it was killed before finishing.</summary>
    private static async Task<bool> KillDuringCloneAsync(string directory, int delay)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "grove.dll"), "db", "reset", "feature-kill" },
                WorkingDirectory = directory,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            },
        };
        process.Start();
        _ = process.StandardOutput.ReadToEndAsync(Bounded.Token(Bounded.Process));
        using var timeout = new CancellationTokenSource(Bounded.Process);
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("branching", StringComparison.Ordinal))
            {
                await Task.Delay(delay, timeout.Token);
                var killed = !process.HasExited;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
                return killed;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        return false;
    }

    private static string Database(string connectionString, out string name, int spares = 1)
    {
        name = "c" + Guid.NewGuid().ToString("N")[..10];
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["provider"] = "postgres",
            ["name"] = name,
            ["seed"] = "db/seed.sql",
            ["connectionString"] = connectionString,
            ["spares"] = spares,
        });
    }

    [Fact]
    public async Task Env_DatabaseNeverMade_LeftOutWithTheFix()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), "CREATE TABLE t (v TEXT);");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "database": { "provider": "sqlite", "name": "app", "seed": "seed.sql" } }""");

        var env = await GroveCli.RunAsync(repo.Primary, "env");
        var listed = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");

        Assert.Equal(0, env.ExitCode);
        Assert.DoesNotContain("ConnectionStrings__app", env.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("grove db reset main", env.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"pending\"", listed, StringComparison.Ordinal); // configured, not made yet (not null: that means none configured)
    }
}
