using System.Diagnostics;
using Grove.State;

namespace Grove.Tests.State;

public class StateStoreTests
{
    [Fact]
    public void Open_NewStore_IsOwnerOnly()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);

        store.Use(_ => 0);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Fact]
    public void Open_LooseModes_AreTightened()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        store.Use(_ => 0);
        File.SetUnixFileMode(store.Path, (UnixFileMode)Convert.ToInt32("644", 8));

        new StateStore(folder.Path).Use(_ => 0);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void Open_DamagedFile_FailsFastNamingTheFix(string damage)
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        new LeaseStore(store).Assign([new("/w", "main", true)], new(new(), DateTimeOffset.UtcNow, _ => true));
        var bytes = File.ReadAllBytes(store.Path);
        File.WriteAllBytes(store.Path, damage == "garbage"
            ? [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]
            : bytes[..100]);
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<StateStoreCorruptException>(() => new LeaseStore(new StateStore(folder.Path)).ReadAll());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(store.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("grove state reset", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void MoveAside_DamagedFile_KeepsBackupAndStartsFresh()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        Directory.CreateDirectory(store.Folder);
        File.WriteAllText(store.Path, "not a database at all, but long enough to have a header..........");

        var backup = store.MoveAside(DateTimeOffset.UtcNow);

        Assert.NotNull(backup);
        Assert.StartsWith("not a database", File.ReadAllText(backup), StringComparison.Ordinal);
        Assert.Empty(new LeaseStore(store).ReadAll());
    }

    [Fact]
    public void Open_NewerSchema_SaysToUpgrade()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        store.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            return command.ExecuteNonQuery();
        });

        var error = Assert.Throws<GroveException>(() => new StateStore(folder.Path).Use(_ => 0));

        Assert.Contains("newer Grove", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_StoreFromBeforeDatabases_MigratedKeepingLeases()
    {
        using var folder = new TempFolder();
        var store = new StateStore(folder.Path);
        new LeaseStore(store).Assign([new("/w", "main", true)], new(new(), DateTimeOffset.UtcNow, _ => true));
        store.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE databases; DROP TABLE database_servers;
                ALTER TABLE supervisor DROP COLUMN gateway_port; ALTER TABLE supervisor DROP COLUMN front_end; DROP TABLE creations;
                CREATE TABLE commands (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, verb TEXT NOT NULL, requested_at INTEGER NOT NULL, done_at INTEGER, result TEXT);
                PRAGMA user_version = 2;
                """;
            return command.ExecuteNonQuery();
        });

        var migrated = new StateStore(folder.Path);
        var leases = new LeaseStore(migrated).ReadAll();
        var owned = new Grove.Databases.OwnershipStore(migrated).ReadAll();
        var version = migrated.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });
        var tables = migrated.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);";
            return (string)command.ExecuteScalar()!;
        });
        new Grove.Supervision.RunStore(migrated).ClaimSupervisor(Grove.Processes.ProcessIdentity.Current, 8080, DateTimeOffset.UtcNow);

        Assert.Equal("/w", Assert.Single(leases).Path);
        Assert.Empty(owned);
        Assert.Equal(StateStore.SchemaVersion, version);
        Assert.DoesNotContain("commands", tables.Split(' '));
        Assert.Equal(8080, new Grove.Supervision.RunStore(migrated).LiveSupervisor()?.GatewayPort);
    }

    [Fact]
    public void Guards_RejectEmptyFolder() =>
        Assert.Throws<ArgumentException>(() => new StateStore(" "));
}
