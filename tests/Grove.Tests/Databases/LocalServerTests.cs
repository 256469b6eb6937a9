using Grove.Configuration;
using Grove.Databases;
using Npgsql;

namespace Grove.Tests.Databases;

/// <summary>Grove's own PostgreSQL server (no connectionString): started, reused, stopped, restarted, nothing lost.</summary>
public class LocalServerTests
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(3));

    [Fact]
    public async Task EnsureBranch_LocalServer_LoopbackOwnerOnlyStoppedOnDisposeAndDataKept()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (worktree, branch) = await db.BranchAsync("feature/local");
        var connectionString = branch.AppConnectionString();
        await Execute(connectionString, "INSERT INTO items VALUES (3, 'committed');");
        var settings = await File.ReadAllTextAsync(Path.Combine(db.Manager.LocalServer.DataFolder, "grove.conf"), Token);
        var passwordMode = File.GetUnixFileMode(db.Manager.LocalServer.PasswordPath);

        await db.Manager.DisposeAsync();
        var stopped = await Reachable(connectionString);
        await using var again = new DatabaseManager(db.Repo.CommonGitDirectory);
        var reopened = await again.EnsureBranchAsync(worktree, db.Config, null, Token);

        Assert.Contains("listen_addresses = '127.0.0.1'", settings, StringComparison.Ordinal);
        Assert.Contains("unix_socket_directories = ''", settings, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, passwordMode);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(connectionString).Password!, branch.DisplayConnectionString, StringComparison.Ordinal);
        Assert.False(stopped);
        Assert.Equal(branch.Name, reopened.Name);
        Assert.Equal(3L, await Count(reopened.AppConnectionString()));
    }

    [Fact]
    public async Task EnsureBranch_LocalServerWentDownUnderALongLivedManager_RestartedNothingLost()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (_, kept) = await db.BranchAsync("feature/before");
        await Execute(kept.AppConnectionString(), "INSERT INTO items VALUES (3, 'committed');");

        await db.Manager.LocalServer.StopAsync(Token);
        var down = await Reachable(kept.AppConnectionString());
        var (_, later) = await db.BranchAsync("feature/after");

        Assert.False(down);
        Assert.Equal(3L, await Count(kept.AppConnectionString()));
        Assert.Equal(2L, await Count(later.AppConnectionString()));
    }

    [Fact]
    public async Task Dispose_ServerStartedByAnother_KeepsItRunning()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (worktree, branch) = await db.BranchAsync("feature/shared");
        var connectionString = branch.AppConnectionString();

        await using (var second = new DatabaseManager(db.Repo.CommonGitDirectory))
        {
            await second.EnsureBranchAsync(worktree, db.Config, null, Token);
        }

        Assert.True(await Reachable(connectionString));
    }

    [Fact]
    public async Task Dispose_ServerLeftRunningByAKilledGrove_StoppedByTheNextOneThatUsedIt()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var worktree = await db.WorktreeAsync("feature/orphan");
        var orphans = new LocalPostgresServer(new Grove.State.StateStore(db.Repo.CommonGitDirectory));
        await orphans.EnsureRunningAsync(null, Token); // started, and its starter gone without stopping it (no user holds it)

        var branch = await db.Manager.EnsureBranchAsync(worktree, db.Config, null, Token);
        var runningWhileUsed = db.Manager.LocalServer.RunsNow();
        await db.Manager.DisposeAsync();

        Assert.True(runningWhileUsed);
        Assert.False(db.Manager.LocalServer.RunsNow(), "the server a killed grove left running is still running");
        Assert.False(await Reachable(branch.AppConnectionString()));
    }

    [Fact]
    public async Task GivenServer_DownThenBack_ClearErrorThenRecoveryNothingLost()
    {
        await using var server = new PostgresFixture();
        await server.InitializeAsync();
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres, server.ConnectionString);
        var kept = await db.EnsureAsync(await db.WorktreeAsync("feature/kept"));
        await server.ExecuteAsync(kept.Name, "INSERT INTO items VALUES (3, 'committed before the outage');");
        var later = await db.WorktreeAsync("feature/later");

        await server.StopAsync();
        var error = await Assert.ThrowsAsync<GroveException>(() => db.EnsureAsync(later));
        await server.InitializeAsync();
        var recovered = await db.EnsureAsync(later);

        Assert.Contains("cannot reach the PostgreSQL server", error.Message, StringComparison.Ordinal);
        Assert.Contains("database.connectionString", error.Fix, StringComparison.Ordinal);
        Assert.Equal(3L, await server.ScalarAsync<long>(kept.Name, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, await server.ScalarAsync<long>(recovered.Name, "SELECT count(*) FROM items;"));
        Assert.Empty(await server.DatabasesAsync(db.Config.Name + "__new_"));
    }

    [Fact]
    public async Task Guards_NullArguments_Throw()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        var worktree = await db.WorktreeAsync("main");

        Assert.Throws<ArgumentException>(() => new DatabaseManager(" "));
        await Assert.ThrowsAsync<ArgumentNullException>(() => db.Manager.EnsureBranchAsync(null!, db.Config, null, Token));
        await Assert.ThrowsAsync<ArgumentNullException>(() => db.Manager.EnsureBranchAsync(worktree, null!, null, Token));
        await Assert.ThrowsAsync<ArgumentNullException>(() => db.Manager.BranchFromAsync(worktree, null!, db.Config, null, Token));
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<long> Count(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM items;", connection);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync(Token);
        return connection;
    }

    private static async Task<bool> Reachable(string connectionString)
    {
        try
        {
            await using var connection = await OpenAsync(connectionString);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
