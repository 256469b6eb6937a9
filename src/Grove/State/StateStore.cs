using Microsoft.Data.Sqlite;

namespace Grove.State;

/// <summary>
/// The SQLite file shared by every worktree of a repository, at
/// <c>&lt;git-common-dir&gt;/grove/state.db</c>: owner-only, WAL, safe under concurrent processes.
/// Every SQLite failure that means the file is damaged becomes a <see cref="StateStoreCorruptException"/>.
/// </summary>
internal sealed class StateStore
{
    /// <summary>Schema steps, applied in order; the store's <c>user_version</c> counts those applied.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE leases (
            path       TEXT    NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            slug       TEXT    NOT NULL UNIQUE,
            port       INTEGER NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        """,
        """
        CREATE TABLE supervisor (
            id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            pid        INTEGER NOT NULL,
            pid_start  INTEGER NOT NULL,
            started_at INTEGER NOT NULL
        );
        CREATE TABLE runs (
            path       TEXT    NOT NULL PRIMARY KEY,
            slug       TEXT    NOT NULL,
            state      TEXT    NOT NULL,
            reason     TEXT,
            pid        INTEGER,
            pid_start  INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE commands (
            id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            target       TEXT    NOT NULL,
            verb         TEXT    NOT NULL,
            requested_at INTEGER NOT NULL,
            done_at      INTEGER,
            result       TEXT
        );
        """,
        // 3 (issue 3): the databases Grove created, so it only ever resets or drops its own
        // (name and OID), and the port of the PostgreSQL server it manages.
        """
        CREATE TABLE databases (
            provider   TEXT    NOT NULL,
            server     TEXT    NOT NULL,
            name       TEXT    NOT NULL,
            kind       TEXT    NOT NULL,
            final_name TEXT    NOT NULL,
            oid        INTEGER,
            worktree   TEXT,
            slug       TEXT,
            seed_hash  TEXT,
            ready      INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (provider, server, name)
        );
        CREATE TABLE database_servers (
            server TEXT    NOT NULL PRIMARY KEY,
            port   INTEGER NOT NULL
        );
        """,
        // 4 (issue 6): other grove processes steer a running grove up through its agent API, found
        // by the gateway port it records; the command queue they used before is gone.
        """
        ALTER TABLE supervisor ADD COLUMN gateway_port INTEGER;
        DROP TABLE commands;
        """,
        // 5 (issue 11): grove up and an AppHost exclude each other; the record names which one runs.
        """
        ALTER TABLE supervisor ADD COLUMN front_end TEXT;
        """,
        // 6 (issue 15): a 'grove new' in progress, so a run killed half-way is resumed (or undone)
        // by the next one, and a failed one removes exactly what it made.
        """
        CREATE TABLE creations (
            branch         TEXT    NOT NULL PRIMARY KEY,
            path           TEXT    NOT NULL,
            branch_created INTEGER NOT NULL,
            started_at     INTEGER NOT NULL,
            pid            INTEGER,
            pid_start      INTEGER
        );
        """,
        // 7 (issue 10): all a snapshot shows of an app (its step, start time, database), so other
        // grove processes show what the front end published.
        """
        ALTER TABLE runs ADD COLUMN details TEXT;
        """,
        // 8 (issue 15): the commit a new worktree's branch pointed at, so undoing a 'grove new' never
        // deletes a branch that has moved on (work committed since).
        """
        ALTER TABLE creations ADD COLUMN head TEXT;
        """,
    ];

    public static int SchemaVersion => Migrations.Length;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _connectionString;
    private bool _initialised;

    public StateStore(string commonGitDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        Folder = System.IO.Path.Combine(commonGitDirectory, "grove");
        Path = System.IO.Path.Combine(Folder, "state.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 15,
        }.ToString();
    }

    /// <summary>The state folder, <c>&lt;git-common-dir&gt;/grove</c>.</summary>
    public string Folder { get; }

    public string Path { get; }

    /// <summary>Opens a connection to an initialised store; the caller disposes it.</summary>
    public SqliteConnection Open()
    {
        try
        {
            PrepareFiles();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new GroveException($"cannot create or open the state store at {Path}: {ex.Message}", FixPermissions, ex);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 15000;");
            if (!_initialised)
            {
                Initialise(connection);
                _initialised = true;
            }

            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw Translate(ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> on an open connection, translating damage into a clear error.</summary>
    public T Use<T>(Func<SqliteConnection, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var connection = Open();
        try
        {
            return work(connection);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>
    /// Moves a damaged store aside (never deletes it) so the next command starts a fresh one.
    /// Returns the backup's path, or null when there was no store.
    /// </summary>
    public string? MoveAside(DateTimeOffset now)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var stamp = $"{Path}.broken-{now:yyyyMMddHHmmssfff}";
        var backup = stamp;
        for (var n = 1; File.Exists(backup); n++)
        {
            backup = $"{stamp}-{n}";
        }

        File.Move(Path, backup);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(Path + suffix))
            {
                File.Move(Path + suffix, backup + suffix);
            }
        }

        _initialised = false;
        return backup;
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private void PrepareFiles()
    {
        if (!Directory.Exists(Folder))
        {
            Directory.CreateDirectory(Folder, OwnerOnlyFolder);
        }

        if (!File.Exists(Path))
        {
            try
            {
                // Created here, owner-only, before SQLite opens it: SQLite gives its -wal and
                // -shm files the database file's permissions.
                using var created = new FileStream(Path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = OwnerOnlyFile,
                });
            }
            catch (IOException) when (File.Exists(Path))
            {
                // Another grove process created it first.
            }
        }
    }

    private void Initialise(SqliteConnection connection)
    {
        EnsureOwnerOnly();
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current == SchemaVersion)
        {
            return;
        }

        if (current > SchemaVersion)
        {
            throw new GroveException(
                $"the state store {Path} was written by a newer Grove (schema {current}, this one knows {SchemaVersion})",
                "upgrade grove, or run 'grove state reset' to set it aside and start fresh");
        }

        Execute(connection, "PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        using var again = connection.CreateCommand();
        again.Transaction = transaction;
        again.CommandText = "PRAGMA user_version;";
        current = Convert.ToInt32(again.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        for (var step = current; step < Migrations.Length; step++)
        {
            Execute(connection, Migrations[step], transaction);
        }

        Execute(connection, $"PRAGMA user_version = {Migrations.Length};", transaction);
        transaction.Commit();
    }

    private void EnsureOwnerOnly()
    {
        if ((File.GetUnixFileMode(Folder) & ~OwnerOnlyFolder) != 0)
        {
            File.SetUnixFileMode(Folder, OwnerOnlyFolder);
        }

        if ((File.GetUnixFileMode(Path) & ~OwnerOnlyFile) != 0)
        {
            File.SetUnixFileMode(Path, OwnerOnlyFile);
        }
    }

    private string FixPermissions => $"run grove as the user who owns the repository, or give that user write access to {Folder}";

    private GroveException Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        // SQLITE_CORRUPT, SQLITE_NOTADB
        11 or 26 => new StateStoreCorruptException(Path, ex),
        // SQLITE_BUSY, SQLITE_LOCKED
        5 or 6 => new GroveException(
            $"the state store {Path} stayed locked by another grove process for too long",
            "wait for the other grove command to finish, then try again", ex),
        // SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM
        8 or 14 or 3 => new GroveException($"cannot write the state store {Path}: {ex.Message}", FixPermissions, ex),
        // SQLITE_FULL
        13 => new GroveException($"the disk holding the state store {Path} is full", "free some disk space, then try again", ex),
        _ => new GroveException($"the state store {Path} failed: {ex.Message}", "try again; if it keeps failing, run 'grove state reset' (it keeps the old file as a backup)", ex),
    };
}
