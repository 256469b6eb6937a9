using Grove.Configuration;
using Grove.Databases;
using Npgsql;

namespace Grove.Tests.Databases;

[Collection(PostgresGroup.Name)]
public class PostgresBranchTests(PostgresFixture postgres)
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task EnsureBranch_RowsWrittenInA_InvisibleInBTemplateAndPrimary()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var primary = await db.EnsureAsync(await db.WorktreeAsync("main"));
        var a = await db.EnsureAsync(await db.WorktreeAsync("feature/a"));
        var b = await db.EnsureAsync(await db.WorktreeAsync("feature/b"));

        await postgres.ExecuteAsync(a.Name, "INSERT INTO items VALUES (3, 'only in a');");

        Assert.Equal(3L, await postgres.ScalarAsync<long>(a.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(b.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(primary.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(DatabaseNames.Template(db.Config.Name), "SELECT count(*) FROM items;"));
        Assert.Equal($"{db.Config.Name}_feature-a", a.Name);
    }

    [Fact]
    public async Task EnsureBranch_Twice_ReusesTheBranchAndItsRows()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var (worktree, first) = await db.BranchAsync("feature/keep");
        await postgres.ExecuteAsync(first.Name, "INSERT INTO items VALUES (3, 'kept');");

        var second = await db.EnsureAsync(worktree);

        Assert.Equal(first, second with { Environment = first.Environment });
        Assert.Equal(3L, await postgres.ScalarAsync<long>(second.Name, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task EnsureBranch_EnvironmentAndDisplay_ReachTheBranchAndHideThePassword()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var branch = await db.EnsureAsync(await db.WorktreeAsync("feature/env"));
        var environment = branch.Environment.ToDictionary(e => e.Key, e => e.Value);
        var password = new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Password!;

        await using (var connection = new NpgsqlConnection(environment[$"ConnectionStrings__{db.Config.Name}"]))
        {
            await connection.OpenAsync(Token);
            Assert.Equal(branch.Name, connection.Database);
        }

        var url = new Uri(environment["DATABASE_URL"]);
        Assert.Equal("postgres", url.Scheme);
        Assert.Equal("/" + Uri.EscapeDataString(branch.Name), url.AbsolutePath);
        Assert.DoesNotContain(password, branch.DisplayConnectionString, StringComparison.Ordinal);
        Assert.Contains($"Database={branch.Name}", branch.DisplayConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureBranch_HostileBranchNames_ValidQuotedUniqueNames()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        string[] branches = ["it's\"quoted\"", "feat/$(touch${IFS}x)", "ünïcödé/brånch", "x/" + new string('y', 198), "x/" + new string('y', 197) + "z", "Feature/X", "feature/x"];
        var names = new List<string>();
        foreach (var branch in branches)
        {
            names.Add((await db.EnsureAsync(await db.WorktreeAsync(branch))).Name);
        }

        Assert.All(names, n => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(n), 1, 63));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        var onServer = await postgres.DatabasesAsync(db.Config.Name + "_");
        Assert.All(names, n => Assert.Contains(n, onServer));
        foreach (var name in names)
        {
            Assert.Equal(2L, await postgres.ScalarAsync<long>(name, "SELECT count(*) FROM items;"));
        }
    }

    [Fact]
    public async Task EnsureBranch_ForeignDatabaseWithTheBranchName_NeverTouched()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var worktree = await db.WorktreeAsync("feature/taken");
        var foreign = DatabaseNames.Branch(db.Config.Name, worktree.Slug);
        await postgres.ExecuteAsync(null, $"CREATE DATABASE {DatabaseNames.Quote(foreign)};");
        await postgres.ExecuteAsync(foreign, "CREATE TABLE mine (note text); INSERT INTO mine VALUES ('not grove''s');");

        var ensure = await Assert.ThrowsAsync<GroveException>(() => db.EnsureAsync(worktree));
        var reset = await Assert.ThrowsAsync<GroveException>(() => db.Manager.ResetAsync(worktree, db.Config, null, Token));
        var dropped = await db.Manager.DropAsync(worktree, db.Config, null, Token);

        Assert.Contains("did not create it", ensure.Message, StringComparison.Ordinal);
        Assert.Contains("did not create it", reset.Message, StringComparison.Ordinal);
        Assert.False(dropped);
        Assert.Equal("not grove's", await postgres.ScalarAsync<string>(foreign, "SELECT note FROM mine;"));
        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_"));
        Assert.DoesNotContain(db.Manager.ListOwned(), d => d.FinalName == foreign);
    }

    [Fact]
    public async Task Drop_BranchReplacedBySomeoneElse_NeverTouched()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var (worktree, branch) = await db.BranchAsync("feature/replaced");
        await postgres.ExecuteAsync(null, $"DROP DATABASE {DatabaseNames.Quote(branch.Name)};");
        await postgres.ExecuteAsync(null, $"CREATE DATABASE {DatabaseNames.Quote(branch.Name)};");
        await postgres.ExecuteAsync(branch.Name, "CREATE TABLE theirs (x int);");

        var dropped = await db.Manager.DropAsync(worktree, db.Config, null, Token);

        Assert.False(dropped);
        Assert.Equal(0L, await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM theirs;"));
    }

    [Fact]
    public async Task ResetAndDrop_OwnBranch_FreshFromTemplateThenGone()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var (worktree, branch) = await db.BranchAsync("feature/reset");
        await postgres.ExecuteAsync(branch.Name, "DELETE FROM items;");
        await using var appConnection = await postgres.OpenAsync(branch.Name);

        await db.Manager.ResetAsync(worktree, db.Config, null, Token);
        var afterReset = await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM items;");
        var dropped = await db.Manager.DropAsync(worktree, db.Config, null, Token);

        Assert.Equal(2L, afterReset);
        Assert.True(dropped);
        Assert.Empty(await postgres.DatabasesAsync(branch.Name));
        Assert.DoesNotContain(db.Manager.ListOwned(), d => d.FinalName == branch.Name);
        Assert.Single(await postgres.DatabasesAsync(DatabaseNames.Template(db.Config.Name)));
    }

    [Fact]
    public async Task EnsureBranch_TemplateHasAnOpenConnection_ClearRetryNothingTouched()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var first = await db.EnsureAsync(await db.WorktreeAsync("feature/first"));
        var second = await db.WorktreeAsync("feature/second");
        var owned = db.Manager.ListOwned();
        GroveException error;
        await using (var busy = await postgres.OpenAsync(DatabaseNames.Template(db.Config.Name)))
        {
            error = await Assert.ThrowsAsync<GroveException>(() => db.EnsureAsync(second));
        }

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("run the command again", error.Fix, StringComparison.Ordinal);
        Assert.Equal(owned, db.Manager.ListOwned());
        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_"));
        Assert.Empty(await postgres.DatabasesAsync(DatabaseNames.Branch(db.Config.Name, second.Slug)));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(first.Name, "SELECT count(*) FROM items;"));
        var retried = await db.EnsureAsync(second);
        Assert.Equal(2L, await postgres.ScalarAsync<long>(retried.Name, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task BranchFrom_SourceWithAnOpenConnection_CopiedAfterClosingItWithAWarning()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var (source, data) = await db.BranchAsync("feature/source");
        await postgres.ExecuteAsync(data.Name, "INSERT INTO items VALUES (3, 'current data');");
        await using var app = await postgres.OpenAsync(data.Name);
        var messages = new List<string>();

        var copy = await db.Manager.BranchFromAsync(await db.WorktreeAsync("feature/copy"), source, db.Config, new SynchronousProgress(messages), Token);

        Assert.Equal(3L, await postgres.ScalarAsync<long>(copy.Name, "SELECT count(*) FROM items;"));
        Assert.Contains(messages, m => m.StartsWith("warning: closed 1 connection(s)", StringComparison.Ordinal));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(data.Name, "SELECT count(*) FROM items;")); // accepts connections again
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await new NpgsqlCommand("SELECT 1;", app).ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task EnsureBranch_AfterACrashDuringDbFrom_SourceAcceptsConnectionsAgain()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var (_, source) = await db.BranchAsync("feature/quiesced");
        await postgres.ExecuteAsync(null, $"ALTER DATABASE {DatabaseNames.Quote(source.Name)} WITH ALLOW_CONNECTIONS false;"); // what a killed --db-from leaves

        await db.BranchAsync("feature/next");

        Assert.Equal(2L, await postgres.ScalarAsync<long>(source.Name, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task EnsureTemplate_SeedChanged_RebuiltAndBranchesKeepTheirData()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var old = await db.EnsureAsync(await db.WorktreeAsync("feature/old"));
        await File.AppendAllTextAsync(Path.Combine(db.Repo.Primary, "db", "seed.sql"), "INSERT INTO items VALUES (9, 'new seed');", Token);

        var fresh = await db.EnsureAsync(await db.WorktreeAsync("feature/new"));

        Assert.Equal(2L, await postgres.ScalarAsync<long>(old.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(3L, await postgres.ScalarAsync<long>(fresh.Name, "SELECT count(*) FROM items;"));
        Assert.Single(db.Manager.ListOwned(), d => d.Kind == OwnedKind.Template && d.Server != "sqlite" && d.FinalName == DatabaseNames.Template(db.Config.Name));
    }

    [Fact]
    public async Task EnsureTemplate_SeedFails_HalfMadeTemplateDroppedOldTemplateKept()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var old = await db.EnsureAsync(await db.WorktreeAsync("feature/old"));
        await File.AppendAllTextAsync(Path.Combine(db.Repo.Primary, "db", "seed.sql"), "INSRT INTO items VALUES (9, 'typo');", Token); // a broken migration

        var fresh = await db.WorktreeAsync("feature/new");
        await Assert.ThrowsAnyAsync<GroveException>(() => db.EnsureAsync(fresh));

        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_")); // not left for a later command to "settle"
        Assert.DoesNotContain(db.Manager.ListOwned(), d => !d.Ready);
        Assert.Equal(2L, await postgres.ScalarAsync<long>(DatabaseNames.Template(db.Config.Name), "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await postgres.ScalarAsync<long>(old.Name, "SELECT count(*) FROM items;"));
    }

    [Theory]
    [InlineData("before-oid")]
    [InlineData("after-oid")]
    [InlineData("old-branch-dropped")]
    [InlineData("renamed")]
    public async Task EnsureBranch_AfterACrashAtEachStep_NoHalfMadeOrOrphanDatabase(string crashPoint)
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, postgres.ConnectionString);
        var worktree = await db.WorktreeAsync("feature/crash");
        var ownership = new OwnershipStore(new Grove.State.StateStore(db.Repo.CommonGitDirectory));
        var branch = await db.EnsureAsync(worktree);
        var server = PostgresServer.Given(postgres.ConnectionString).Key;
        var template = DatabaseNames.Template(db.Config.Name);
        if (crashPoint is "before-oid" or "after-oid")
        {
            await postgres.ExecuteAsync(null, $"DROP DATABASE {DatabaseNames.Quote(branch.Name)};"); // a first branch never finished
            ownership.Remove("postgres", server, branch.Name);
        }

        // What a killed grove leaves at each step of a clone (the real kill is in the CLI tests).
        var temporary = DatabaseNames.Temporary(db.Config.Name);
        ownership.Begin(new OwnedDatabase("postgres", server, temporary, OwnedKind.Branch, branch.Name, null, worktree.Path, worktree.Slug, null, false, DateTimeOffset.UtcNow));
        await postgres.ExecuteAsync(null, $"CREATE DATABASE {DatabaseNames.Quote(temporary)} TEMPLATE {DatabaseNames.Quote(template)};");
        await postgres.ExecuteAsync(temporary, "INSERT INTO items VALUES (7, 'made by the crashed run');");
        if (crashPoint != "before-oid")
        {
            ownership.SetOid("postgres", server, temporary, await postgres.ScalarAsync<long>(null, $"SELECT oid::bigint FROM pg_database WHERE datname = '{temporary}';"));
        }

        if (crashPoint is "old-branch-dropped" or "renamed")
        {
            await postgres.ExecuteAsync(null, $"DROP DATABASE {DatabaseNames.Quote(branch.Name)};");
            ownership.Remove("postgres", server, branch.Name);
        }

        if (crashPoint == "renamed")
        {
            await postgres.ExecuteAsync(null, $"ALTER DATABASE {DatabaseNames.Quote(temporary)} RENAME TO {DatabaseNames.Quote(branch.Name)};");
        }

        await using var restarted = new DatabaseManager(db.Repo.CommonGitDirectory);
        var again = await restarted.EnsureBranchAsync(worktree, db.Config, null, Token);
        var again2 = await restarted.EnsureBranchAsync(worktree, db.Config, null, Token);

        Assert.Equal(again.Name, again2.Name);
        Assert.Empty(await postgres.DatabasesAsync(db.Config.Name + "__new_"));
        Assert.Equal([template, branch.Name], (await postgres.DatabasesAsync(db.Config.Name)).Order(StringComparer.Ordinal));
        Assert.All(restarted.ListOwned(), d => Assert.True(d.Ready));
        var rows = await postgres.ScalarAsync<long>(branch.Name, "SELECT count(*) FROM items;");
        // A clone whose OID was recorded is complete and is kept; one made before that is dropped.
        Assert.Equal(crashPoint == "before-oid" ? 2L : 3L, rows);
    }

    private sealed class SynchronousProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
