using Grove.Configuration;
using Grove.Databases;
using Grove.State;

namespace Grove.Tests.Databases;

/// <summary>Spares (<c>database.spares</c>): ready-made branches of the template, claimed by a rename.</summary>
[Collection(PostgresGroup.Name)]
public class PostgresSpareTests(PostgresFixture postgres)
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task EnsureBranch_SpareReady_ClaimedWithTheTemplatesDataAndIsolated()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var made = await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var spare = Assert.Single(Spares(db));
        var messages = new List<string>();

        var a = await db.Manager.EnsureBranchAsync(await db.WorktreeAsync("feature/a"), db.Config, new ListProgress(messages), Token);
        await postgres.ExecuteAsync(a.Name, "INSERT INTO items VALUES (3, 'only in a');");
        var b = await db.EnsureAsync(await db.WorktreeAsync("feature/b"));

        Assert.Equal(1, made);
        Assert.Contains(messages, m => m.StartsWith($"branched {a.Name} from the ready spare {spare.Name}", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.StartsWith("branching", StringComparison.Ordinal));
        Assert.Equal(spare.Oid, await OidAsync(a.Name));
        Assert.Empty(await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(a.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(b.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(DatabaseNames.Template(db.Config.Name), "SELECT count(*) FROM items;"));
        var record = Assert.Single(db.Manager.ListOwned(), d => d.Name == a.Name);
        Assert.Equal((OwnedKind.Branch, true, "feature-a", (string?)null), (record.Kind, record.Ready, record.Slug, record.SeedHash));
        Assert.True(db.Manager.SparesNeedWork(db.Config));
    }

    [Fact]
    public async Task EnsureBranch_StraySessionOnTheSpare_ClosedAndTheSpareClaimed()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var spare = Assert.Single(Spares(db));
        await using var stray = await postgres.OpenAsync(spare.Name); // a tool that opens every database

        var branch = await db.EnsureAsync(await db.WorktreeAsync("feature/stray"));

        Assert.Equal(spare.Oid, await OidAsync(branch.Name));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM items;"));
        Assert.Equal((OwnedKind.Branch, true), Assert.Single(db.Manager.ListOwned(), d => d.Name == branch.Name) is var r ? (r.Kind, r.Ready) : default);
    }

    [Fact]
    public async Task ResetAndDrop_SparesReady_ResetClaimsOneAndNeitherDropsAnother()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var config = db.Config with { Spares = 2 };
        var (worktree, branch) = await db.BranchAsync("feature/reset");
        await postgres.ExecuteAsync(branch.Name, "DELETE FROM items;");
        await db.Manager.RefillSparesAsync(config, null, Token);
        var spares = Spares(db);

        await db.Manager.ResetAsync(worktree, config, null, Token);
        var afterReset = await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM items;");
        var dropped = await db.Manager.DropAsync(worktree, config, null, Token);

        Assert.Equal(2, spares.Count);
        Assert.Equal(2L, afterReset);
        Assert.True(dropped);
        Assert.Equal([spares[1].Name], await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.Equal([spares[1].Name], Spares(db).Select(s => s.Name));
        Assert.Empty(await postgres.DatabasesAsync(branch.Name));
    }

    [Theory]
    [InlineData("seed-changed")]
    [InlineData("rebuilt")]
    public async Task EnsureBranch_TemplateRebuilt_StaleSpareNeverHandedOutAndDropped(string change)
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var stale = Assert.Single(Spares(db));
        await postgres.ExecuteAsync(stale.Name, "INSERT INTO items VALUES (8, 'only in the stale spare');");
        if (change == "seed-changed")
        {
            await File.AppendAllTextAsync(Path.Combine(db.Repo.Primary, "db", "seed.sql"), "INSERT INTO items VALUES (9, 'new seed');", Token);
        }
        else
        {
            await db.Manager.EnsureTemplateAsync(db.Config, rebuild: true, null, Token);
        }

        var branch = await db.EnsureAsync(await db.WorktreeAsync("feature/fresh"));
        var needed = db.Manager.SparesNeedWork(db.Config);
        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var fresh = Assert.Single(Spares(db));

        Assert.DoesNotContain(8L, await IdsAsync(branch.Name));
        Assert.Equal(change == "seed-changed" ? 3L : 2L, (await IdsAsync(branch.Name)).Count);
        Assert.True(needed);
        Assert.Equal([fresh.Name], await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.NotEqual(stale.Name, fresh.Name);
        Assert.NotEqual(stale.SeedHash, fresh.SeedHash);
        Assert.DoesNotContain(8L, await IdsAsync(fresh.Name));
    }

    [Theory]
    [InlineData("claimed")]
    [InlineData("renamed")]
    [InlineData("reset-claimed")]
    [InlineData("reset-old-dropped")]
    public async Task EnsureBranch_AfterACrashDuringAClaim_SettledWithoutLossOrOrphan(string crashPoint)
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var worktree = await db.WorktreeAsync("feature/crash");
        var target = DatabaseNames.Branch(db.Config.Name, worktree.Slug);
        var ownership = new OwnershipStore(new StateStore(db.Repo.CommonGitDirectory));
        var server = PostgresServer.Given(postgres.ConnectionString).Key;
        if (crashPoint.StartsWith("reset", StringComparison.Ordinal))
        {
            await db.EnsureAsync(worktree);
            await postgres.ExecuteAsync(target, "INSERT INTO items VALUES (3, 'the worktree''s own row');");
        }

        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var spare = Assert.Single(Spares(db));

        // What a grove killed inside ClaimAsync leaves: the record says "branch being made" first.
        Assert.True(ownership.Claim("postgres", server, spare.Name, target, worktree.Path, worktree.Slug, DateTimeOffset.UtcNow));
        if (crashPoint == "reset-old-dropped")
        {
            await postgres.ExecuteAsync(null, $"DROP DATABASE {DatabaseNames.Quote(target)} WITH (FORCE);");
            ownership.Remove("postgres", server, target);
        }

        if (crashPoint == "renamed")
        {
            await postgres.ExecuteAsync(null, $"ALTER DATABASE {DatabaseNames.Quote(spare.Name)} RENAME TO {DatabaseNames.Quote(target)};");
        }

        await using var restarted = new DatabaseManager(db.Repo.CommonGitDirectory);
        var branch = await restarted.EnsureBranchAsync(worktree, db.Config with { Spares = 0 }, null, Token);

        Assert.Equal(target, branch.Name);
        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_"));
        Assert.Empty(await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.All(restarted.ListOwned(), d => Assert.True(d.Ready));
        Assert.Equal([DatabaseNames.Template(db.Config.Name), target], restarted.ListOwned().Select(d => d.Name).Order(StringComparer.Ordinal));
        // The worktree's own data survives a claim that had not dropped it yet; otherwise the claim is finished.
        Assert.Equal(crashPoint == "reset-claimed" ? 3L : 2L, await postgres.ScalarAsync<long>(target, "SELECT count(*) FROM items;"));
        if (crashPoint != "reset-claimed")
        {
            Assert.Equal(spare.Oid, await OidAsync(target));
        }
    }

    [Theory]
    [InlineData("before-oid")]
    [InlineData("after-oid")]
    public async Task RefillSpares_AfterACrashWhileMakingASpare_DroppedOrFinishedAndClaimable(string crashPoint)
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        await db.Manager.EnsureTemplateAsync(db.Config, rebuild: false, null, Token);
        var template = Assert.Single(db.Manager.ListOwned(), d => d.Kind == OwnedKind.Template);
        var ownership = new OwnershipStore(new StateStore(db.Repo.CommonGitDirectory));
        var server = PostgresServer.Given(postgres.ConnectionString).Key;
        var temporary = DatabaseNames.Temporary(db.Config.Name);
        var spare = DatabaseNames.Spare(db.Config.Name);
        ownership.Begin(new OwnedDatabase("postgres", server, temporary, OwnedKind.Spare, spare, null, null, null, SparePool.Tag(template), false, DateTimeOffset.UtcNow));
        await postgres.ExecuteAsync(null, $"CREATE DATABASE {DatabaseNames.Quote(temporary)} TEMPLATE {DatabaseNames.Quote(template.Name)};");
        if (crashPoint == "after-oid")
        {
            ownership.SetOid("postgres", server, temporary, await OidAsync(temporary));
        }

        await using var restarted = new DatabaseManager(db.Repo.CommonGitDirectory);
        var made = await restarted.RefillSparesAsync(db.Config, null, Token);
        var ready = Assert.Single(Spares(db));
        var branch = await restarted.EnsureBranchAsync(await db.WorktreeAsync("feature/after"), db.Config, null, Token);

        Assert.Equal(crashPoint == "after-oid" ? 0 : 1, made);
        Assert.Equal(crashPoint == "after-oid", ready.Name == spare);
        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_"));
        Assert.Equal(ready.Oid, await OidAsync(branch.Name));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task Spares_ForeignDatabasesNamedLikeASpareOrTheBranch_NeverTouched()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var worktree = await db.WorktreeAsync("feature/taken");
        var branchName = DatabaseNames.Branch(db.Config.Name, worktree.Slug);
        var spareName = DatabaseNames.SparePrefix(db.Config.Name) + "0123456789ab";
        foreach (var foreign in new[] { branchName, spareName })
        {
            await postgres.ExecuteAsync(null, $"CREATE DATABASE {DatabaseNames.Quote(foreign)};");
            await postgres.ExecuteAsync(foreign, "CREATE TABLE mine (note text); INSERT INTO mine VALUES ('not grove''s');");
        }

        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var spare = Assert.Single(Spares(db));
        var error = await Assert.ThrowsAsync<GroveException>(() => db.EnsureAsync(worktree));
        var afterError = Spares(db);
        await db.Manager.RefillSparesAsync(db.Config with { Spares = 0 }, null, Token);

        Assert.Contains("did not create it", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(spareName, spare.Name);
        Assert.Equal([spare], afterError);
        Assert.Equal("not grove's", await postgres.ScalarAsync<string>(branchName, "SELECT note FROM mine;"));
        Assert.Equal("not grove's", await postgres.ScalarAsync<string>(spareName, "SELECT note FROM mine;"));
        Assert.Equal([spareName], await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.DoesNotContain(db.Manager.ListOwned(), d => d.Name == branchName || d.Name == spareName);
    }

    [Fact]
    public async Task Spares_Zero_NoneMadeNoneClaimedAndLeftoversDropped()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var off = db.Config with { Spares = 0 };
        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        var leftover = Assert.Single(Spares(db));
        var messages = new List<string>();

        var branch = await db.Manager.EnsureBranchAsync(await db.WorktreeAsync("feature/direct"), off, new ListProgress(messages), Token);
        var needed = db.Manager.SparesNeedWork(off);
        var made = await db.Manager.RefillSparesAsync(off, null, Token);

        Assert.Contains(messages, m => m.StartsWith($"branching {branch.Name}", StringComparison.Ordinal));
        Assert.NotEqual(leftover.Oid, await OidAsync(branch.Name));
        Assert.True(needed);
        Assert.Equal(0, made);
        Assert.Empty(Spares(db));
        Assert.Empty(await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
        Assert.False(db.Manager.SparesNeedWork(off));
    }

    [Fact]
    public async Task KeepSparesFull_GroveUpsBackgroundRefill_FillsThePoolAndLogs()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        await db.EnsureAsync(await db.WorktreeAsync("main"));
        var log = new List<string>();

        db.Manager.KeepSparesFull(db.Config, m =>
        {
            lock (log)
            {
                log.Add(m);
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (db.Manager.SparesNeedWork(db.Config))
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.Single(Spares(db));
        lock (log)
        {
            Assert.Contains(SparePool.PreparingMessage, log);
        }
    }

    [Fact]
    public async Task KeepSparesFull_PrimarySaysZero_FollowsThePrimaryNotTheWorktreeThatAsked()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        await db.EnsureAsync(await db.WorktreeAsync("main"));
        await db.Manager.RefillSparesAsync(db.Config, null, Token);
        Assert.Single(Spares(db));
        // The primary's grove.json (what the CLI reads) turns spares off; a worktree still on an
        // older commit asks for a refill with its own setting (the default, 1).
        File.WriteAllText(Path.Combine(db.Repo.Primary, "grove.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            database = new { provider = "postgres", name = db.Config.Name, seed = "db/seed.sql", connectionString = db.Config.ConnectionString, spares = 0 },
        }));
        var log = new List<string>();

        db.Manager.KeepSparesFull(db.Config with { Spares = 1 }, m =>
        {
            lock (log)
            {
                log.Add(m);
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (Spares(db).Count > 0)
        {
            await Task.Delay(100, timeout.Token);
        }

        lock (log)
        {
            Assert.Contains(log, m => m.Contains("database.spares is 0", StringComparison.Ordinal));
        }

        Assert.Empty(await postgres.DatabasesAsync(DatabaseNames.SparePrefix(db.Config.Name)));
    }

    private static List<OwnedDatabase> Spares(DatabaseRepository db) =>
        [.. db.Manager.ListOwned().Where(d => d.Kind == OwnedKind.Spare).OrderBy(d => d.CreatedAt)];

    private Task<long> OidAsync(string database) =>
        postgres.ScalarAsync<long>(null, $"SELECT oid::bigint FROM pg_database WHERE datname = '{database}';");

    private async Task<List<long>> IdsAsync(string database)
    {
        await using var connection = await postgres.OpenAsync(database);
        await using var command = new Npgsql.NpgsqlCommand("SELECT id::bigint FROM items ORDER BY id;", connection);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new List<long>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private sealed class ListProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
