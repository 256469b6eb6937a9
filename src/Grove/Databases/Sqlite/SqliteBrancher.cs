using Grove.Files;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Grove.Databases;

/// <summary>
/// SQLite databases as files in <c>&lt;state&gt;/sqlite/&lt;name&gt;/</c> (never in a working
/// tree): the template <c>__template.db</c> and one <c>&lt;slug&gt;.db</c> per worktree. A branch is
/// written with SQLite's backup API (a consistent snapshot even while the source's app writes in
/// WAL mode) into a temporary file that is renamed into place once complete.
/// </summary>
internal sealed class SqliteBrancher
{
    private const string Provider = "sqlite";
    private const string Server = "sqlite";
    private static readonly string[] JournalSuffixes = ["-wal", "-journal"];
    private readonly OwnershipStore _ownership;
    private readonly TimeProvider _time;

    public SqliteBrancher(string stateFolder, string name, OwnershipStore ownership, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _ownership = ownership ?? throw new ArgumentNullException(nameof(ownership));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Name = name;
        Folder = Path.Combine(stateFolder, "sqlite", name);
    }

    public string Name { get; }

    public string Folder { get; }

    public string TemplatePath => Path.Combine(Folder, "__template.db");

    public string BranchPath(string slug) => Path.Combine(Folder, $"{slug}.db");

    /// <summary>Deletes temporary files of crashed runs. The caller holds the database lock.</summary>
    public void Recover()
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        foreach (var stale in Directory.GetFiles(Folder, "*.tmp-*"))
        {
            File.Delete(stale);
        }

        foreach (var pending in _ownership.ReadServer(Provider, Server).Where(d => !d.Ready))
        {
            _ownership.Remove(Provider, Server, pending.Name);
        }
    }

    public Task EnsureTemplateAsync(Seed seed, bool rebuild, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var hash = seed.Hash();
        var current = _ownership.Find(Provider, Server, TemplatePath);
        if (current is { Ready: true } && current.SeedHash == hash && File.Exists(TemplatePath) && !rebuild)
        {
            return Task.CompletedTask;
        }

        return BuildTemplateAsync(seed, hash, progress, cancellationToken);
    }

    /// <summary>Writes a consistent copy of <paramref name="source"/> (a live file is fine) as the worktree's branch.</summary>
    public string Branch(string source, string slug, string worktree, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = BranchPath(slug);
        var started = _time.GetTimestamp();
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"branching {Path.GetFileName(target)} from {Path.GetFileName(source)} ({new FileInfo(source).Length / 1048576.0:0.0} MB)"));
        var temporary = Temporary(target);
        _ownership.Begin(Record(temporary, target, OwnedKind.Branch, worktree, slug, null));
        if (source == TemplatePath && IsQuiescent(source))
        {
            // Only Grove writes the template, under the lock, and folds its WAL in when done:
            // the file alone is the whole consistent database, and a file copy is the fastest branch.
            File.Copy(source, temporary, overwrite: true);
        }
        else
        {
            Copy(source, temporary);
        }

        Replace(temporary, target);
        _ownership.Complete(Provider, Server, temporary);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"branched {Path.GetFileName(target)} in {_time.GetElapsedTime(started).TotalSeconds:0.00} s"));
        return target;
    }

    /// <summary>Deletes the worktree's branch file; false when there was none.</summary>
    public bool Drop(string slug)
    {
        var target = BranchPath(slug);
        _ownership.Remove(Provider, Server, target);
        var existed = File.Exists(target);
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(target + suffix);
        }

        return existed;
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Environment(string name, string path) =>
    [
        new($"ConnectionStrings__{name}", ConnectionString(path)),
        new("DATABASE_URL", "sqlite://" + path),
    ];

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path }.ToString();

    /// <summary>True when the file has no write-ahead log or rollback journal with pending content beside it.</summary>
    private static bool IsQuiescent(string path) =>
        JournalSuffixes.All(suffix => !File.Exists(path + suffix) || new FileInfo(path + suffix).Length == 0);

    /// <summary>A consistent copy through the backup API: one step, under one read transaction of the source.</summary>
    public static void Copy(string source, string destination)
    {
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        from.Open();
        to.Open();
        using (var unjournaled = to.CreateCommand())
        {
            // The destination is a temporary file no one else opens: no rollback journal, no
            // fsync per step. It is renamed into place only once complete (see Replace).
            unjournaled.CommandText = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;";
            unjournaled.ExecuteNonQuery();
        }

        from.BackupDatabase(to);
    }

    private async Task BuildTemplateAsync(Seed seed, string hash, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        progress?.Report($"building the template {TemplatePath} from {seed.Describe()}");
        var started = _time.GetTimestamp();
        Prepare();
        var temporary = Temporary(TemplatePath);
        _ownership.Begin(Record(temporary, TemplatePath, OwnedKind.Template, null, null, hash));
        try
        {
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
            {
                connection.Open();
                using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                wal.ExecuteNonQuery();
                if (seed.SqlPath is not null)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = seed.ReadSqlText();
                    command.ExecuteNonQuery();
                }
            }

            if (seed.Config.SeedCommand is not null)
            {
                await seed.RunCommandAsync(Environment(seed.Config.Name, temporary), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is GroveException or SqliteException)
        {
            // A seed that fails (a broken migration) is no crash: its half-made template goes now,
            // rather than being settled later as what "an interrupted grove run left".
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(temporary + suffix);
            }

            _ownership.Remove(Provider, Server, temporary);
            throw;
        }

        Replace(temporary, TemplatePath);
        _ownership.Complete(Provider, Server, temporary);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"template ready in {_time.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    private OwnedDatabase Record(string temporary, string final, OwnedKind kind, string? worktree, string? slug, string? seedHash) =>
        new(Provider, Server, temporary, kind, final, null, worktree, slug, seedHash, false, _time.GetUtcNow());

    private string Temporary(string final)
    {
        Prepare();
        var temporary = $"{final}.tmp-{Guid.NewGuid():N}";
        using (OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            // Created owner-only before SQLite opens it; SQLite's -wal and -shm files copy its mode.
        }

        return temporary;
    }

    /// <summary>
    /// Moves a complete file into place: its WAL folded in first, and no stale WAL of an older file
    /// left beside it (an app still connected to the old file must reconnect).
    /// </summary>
    private static void Replace(string temporary, string final)
    {
        if (File.Exists(temporary + "-wal"))
        {
            // A seed command left its WAL: fold it into the file, which alone is renamed.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString());
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(final + suffix);
        }

        File.Move(temporary, final, overwrite: true);
    }

    private void Prepare()
    {
        OwnerOnly.CreateFolder(Path.GetDirectoryName(Folder)!);
        OwnerOnly.CreateFolder(Folder);
    }
}
