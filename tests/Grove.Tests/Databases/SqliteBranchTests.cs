using Grove.Configuration;
using Grove.Databases;
using Microsoft.Data.Sqlite;

namespace Grove.Tests.Databases;

public class SqliteBranchTests
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task EnsureBranch_RowsWrittenInA_InvisibleInBTemplateAndPrimary()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        var primary = await db.EnsureAsync(await db.WorktreeAsync("main"));
        var a = await db.EnsureAsync(await db.WorktreeAsync("feature/a"));
        var b = await db.EnsureAsync(await db.WorktreeAsync("feature/b"));

        Execute(a, "INSERT INTO items VALUES (3, 'only in a');");

        Assert.Equal(3L, Scalar(a, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, Scalar(b, "SELECT count(*) FROM items;"));
        Assert.Equal(2L, Scalar(primary, "SELECT count(*) FROM items;"));
        var template = new SqliteBrancher(Path.Combine(db.Repo.CommonGitDirectory, "grove"), db.Config.Name, new OwnershipStore(new Grove.State.StateStore(db.Repo.CommonGitDirectory)), TimeProvider.System).TemplatePath;
        Assert.Equal(2L, Scalar(SqliteBrancher.ConnectionString(template), "SELECT count(*) FROM items;"));
        Assert.Equal("ok", ScalarText(a, "PRAGMA integrity_check;"));
    }

    [Fact]
    public async Task EnsureBranch_FilesInTheStateFolder_WorkingTreeStaysClean()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        db.Repo.Git(db.Repo.Primary, "add", "-A");
        db.Repo.Git(db.Repo.Primary, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed");
        var worktree = await db.WorktreeAsync("feature/files");

        var branch = await db.EnsureAsync(worktree);
        var path = new SqliteConnectionStringBuilder(ConnectionString(branch)).DataSource;

        Assert.StartsWith(Path.Combine(db.Repo.CommonGitDirectory, "grove") + "/", path, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(string.Empty, db.Repo.Git(worktree.Path, "status", "--porcelain", "--untracked-files=all"));
        Assert.Equal(string.Empty, db.Repo.Git(db.Repo.Primary, "status", "--porcelain", "--untracked-files=all"));
        Assert.Equal("sqlite://" + path, branch.Environment.Single(e => e.Key == "DATABASE_URL").Value);
    }

    [Fact]
    public async Task BranchFrom_LiveWalDatabaseWhileItsAppWrites_ConsistentWithEveryCommittedRow()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        var primary = await db.EnsureAsync(await db.WorktreeAsync("main"));
        Execute(primary, "PRAGMA journal_mode = WAL; CREATE TABLE log (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
        using var stop = new CancellationTokenSource();
        var committed = 0L;
        var writer = Task.Run(() =>
        {
            using var connection = new SqliteConnection(ConnectionString(primary) + ";Pooling=False");
            connection.Open();
            while (!stop.IsCancellationRequested)
            {
                using var transaction = connection.BeginTransaction();
                for (var i = 0; i < 50; i++)
                {
                    using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT INTO log (payload) VALUES (hex(randomblob(200)));";
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
                Interlocked.Add(ref committed, 50);
            }
        }, Token);
        while (Interlocked.Read(ref committed) < 5000)
        {
            await Task.Delay(20, Token);
        }

        var before = Interlocked.Read(ref committed);
        var branch = await db.Manager.BranchFromAsync(await db.WorktreeAsync("feature/copy"), await db.WorktreeAsync("main"), db.Config, null, Token);
        var after = Interlocked.Read(ref committed);
        await stop.CancelAsync();
        await writer.WaitAsync(Token);

        Assert.Equal("ok", ScalarText(branch, "PRAGMA integrity_check;"));
        var rows = Scalar(branch, "SELECT count(*) FROM log;");
        Assert.InRange(rows, before, after);
        Assert.Equal(0L, rows % 50); // whole transactions only
        Assert.Equal(rows, Scalar(branch, "SELECT max(id) FROM log;"));
        Assert.Equal(2L, Scalar(branch, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task ResetAndDrop_OwnBranch_FreshFromTemplateThenGone()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        var (worktree, branch) = await db.BranchAsync("feature/reset");
        Execute(branch, "DELETE FROM items;");

        await db.Manager.ResetAsync(worktree, db.Config, null, Token);
        var afterReset = Scalar(branch, "SELECT count(*) FROM items;");
        var dropped = await db.Manager.DropAsync(worktree, db.Config, null, Token);

        Assert.Equal(2L, afterReset);
        Assert.True(dropped);
        Assert.False(File.Exists(new SqliteConnectionStringBuilder(ConnectionString(branch)).DataSource));
        Assert.DoesNotContain(db.Manager.ListOwned(), d => d.Slug == worktree.Slug);
    }

    [Fact]
    public async Task EnsureTemplate_SeedFails_HalfMadeTemplateDeletedOldTemplateKept()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        var old = await db.EnsureAsync(await db.WorktreeAsync("feature/old"));
        await File.AppendAllTextAsync(Path.Combine(db.Repo.Primary, "db", "seed.sql"), "INSRT INTO items VALUES (9, 'typo');", Token); // a broken migration
        var fresh = await db.WorktreeAsync("feature/new");

        await Assert.ThrowsAnyAsync<Exception>(() => db.EnsureAsync(fresh));

        var folder = Path.Combine(db.Repo.CommonGitDirectory, "grove", "sqlite", db.Config.Name);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*")); // not left for a later command to "settle"
        Assert.DoesNotContain(db.Manager.ListOwned(), d => !d.Ready);
        Assert.Equal(2L, Scalar(SqliteBrancher.ConnectionString(Path.Combine(folder, "__template.db")), "SELECT count(*) FROM items;"));
        Assert.Equal(2L, Scalar(old, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task SettleInterrupted_OtherProcessFinishesWhileWaitingForTheLock_NothingSettledNorClaimed()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Sqlite);
        await db.EnsureAsync(await db.WorktreeAsync("main"));
        var other = await db.WorktreeAsync("feature/other");
        var folder = Path.Combine(db.Repo.CommonGitDirectory, "grove");
        var ownership = new OwnershipStore(new Grove.State.StateStore(db.Repo.CommonGitDirectory));
        var final = Path.Combine(folder, "sqlite", db.Config.Name, other.Slug + ".db");
        var temporary = final + ".tmp-other";
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Grove.Files.FileLock.TryAcquire(Path.Combine(folder, "databases.lock"), exclusive: true);
        Assert.NotNull(held);

        // Another grove process at work: its database is recorded unfinished while it holds the lock.
        ownership.Begin(new OwnedDatabase("sqlite", "sqlite", temporary, OwnedKind.Branch, final, null, other.Path, other.Slug, null, false, DateTimeOffset.UtcNow));
        var settle = db.Manager.SettleInterruptedAsync(db.Config, new WaitSignal(waiting), Token);
        await waiting.Task.WaitAsync(Token);
        File.Copy(Path.Combine(folder, "sqlite", db.Config.Name, "main.db"), final);
        ownership.Complete("sqlite", "sqlite", temporary);
        held.Dispose();
        var settled = await settle.WaitAsync(Token);

        Assert.False(settled); // 'settled the databases an interrupted grove run left half-made' would be untrue
        Assert.True(File.Exists(final));
        Assert.Contains(db.Manager.ListOwned(), d => d.Name == final && d.Ready);
    }

    /// <summary>Signals when the settle call says it waits for another grove process.</summary>
    private sealed class WaitSignal(TaskCompletionSource waiting) : IProgress<string>
    {
        public void Report(string value)
        {
            if (value.Contains("waiting for another grove process", StringComparison.Ordinal))
            {
                waiting.TrySetResult();
            }
        }
    }

    private static string ConnectionString(DatabaseBranch branch) => branch.AppConnectionString();

    private static void Execute(DatabaseBranch branch, string sql)
    {
        using var connection = new SqliteConnection(ConnectionString(branch) + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(DatabaseBranch branch, string sql) => Scalar(ConnectionString(branch), sql);

    private static long Scalar(string connectionString, string sql) => (long)Query(connectionString, sql)!;

    private static string ScalarText(DatabaseBranch branch, string sql) => (string)Query(ConnectionString(branch), sql)!;

    private static object? Query(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
