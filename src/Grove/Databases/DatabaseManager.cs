using Grove.Processes;
using Grove.Files;
using Grove.Configuration;
using Grove.Dependencies;
using Grove.State;
using Grove.Worktrees;

namespace Grove.Databases;

/// <summary>
/// Each worktree's own database, branched from a template built from the seed: the one entry
/// point for the CLI and the <c>grove up</c> reconciler. Every change holds the repository's
/// database lock (<c>&lt;state&gt;/databases.lock</c>), so concurrent grove processes never race;
/// the first change in a process also settles what a crashed run left half-made. A local
/// PostgreSQL server this instance had to start is stopped by <see cref="DisposeAsync"/> unless
/// another grove process still uses it (then it keeps running and is reused).
/// </summary>
internal sealed partial class DatabaseManager : IAsyncDisposable
{
    private static readonly TimeSpan LockLimit = TimeSpan.FromMinutes(30);
    private readonly TimeProvider _time;
    private readonly StateStore _state;
    private readonly OwnershipStore _ownership;
    private readonly LocalPostgresServer _local;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresServer? _server; // the server of the last PostgreSQL work, for clear errors
    private string? _seedRoot;
    private readonly Lock _keeperLock = new();
    private SpareKeeper? _keeper;
    private readonly PostgresServerUse _postgres;

    /// <param name="commonGitDirectory">The repository's common git directory.</param>
    /// <param name="time">The clock.</param>
    /// <param name="serverOverride">A PostgreSQL server to branch in whatever <c>database.connectionString</c> says (an AppHost's own server); null: as configured.</param>
    public DatabaseManager(string commonGitDirectory, TimeProvider? time = null, string? serverOverride = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        CommonGitDirectory = commonGitDirectory;

        _time = time ?? TimeProvider.System;
        _state = new StateStore(commonGitDirectory);
        _ownership = new OwnershipStore(_state);
        _local = new LocalPostgresServer(_state);
        _postgres = new PostgresServerUse(_local, _state.Folder, serverOverride);
    }

    public string CommonGitDirectory { get; }

    /// <summary>Grove's own PostgreSQL server for this repository (used when <c>connectionString</c> is null).</summary>
    public LocalPostgresServer LocalServer => _local;

    /// <summary>Grove's own PostgreSQL server once this manager has used it (it runs then); null before.</summary>
    public DatabaseServerInfo? LocalServerInUse => _postgres.LocalInUse;

    /// <summary>
    /// The worktree's database, branched from the template when it does not exist yet (the
    /// template is built or rebuilt first when needed); an existing branch is reused as it is.
    /// </summary>
    /// <remarks>
    /// A branch under the worktree's name that an earlier worktree left (orphaned: made before
    /// this worktree existed) is dropped and branched anew, saying so, unless
    /// <paramref name="reuseOrphan"/> asks to keep its data (<c>grove new --keep-db</c>).
    /// </remarks>
    public Task<DatabaseBranch> EnsureBranchAsync(WorktreeSnapshot worktree, DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken, bool reuseOrphan = false) =>
        ChangeAsync(worktree, config, progress, reuseOrphan ? BranchMode.EnsureKeepingOrphan : BranchMode.Ensure, null, cancellationToken);

    /// <summary>Replaces the worktree's database by a fresh branch of the template (only a database Grove made).</summary>
    public Task<DatabaseBranch> ResetAsync(WorktreeSnapshot worktree, DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken) =>
        ChangeAsync(worktree, config, progress, BranchMode.Reset, null, cancellationToken);

    /// <summary>
    /// Gives <paramref name="worktree"/> a copy of <paramref name="source"/>'s current data (for
    /// <c>grove new --db-from</c>). PostgreSQL: the source's connections are closed for the copy, with a warning.
    /// </summary>
    public Task<DatabaseBranch> BranchFromAsync(WorktreeSnapshot worktree, WorktreeSnapshot source, DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ChangeAsync(worktree, config, progress, BranchMode.Reset, source, cancellationToken);
    }

    /// <summary>Drops the worktree's database if Grove made it; false when there was none of Grove's.</summary>
    public async Task<bool> DropAsync(WorktreeSnapshot worktree, DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(config);
        return await LockedAsync(config, progress, async () =>
        {
            if (config.Provider == DatabaseProvider.Sqlite)
            {
                var sqlite = Sqlite(config);
                sqlite.Recover();
                return sqlite.Drop(worktree.Slug);
            }

            await using var postgres = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
            var dropped = await postgres.DropOwnedAsync(DatabaseNames.Branch(config.Name, worktree.Slug), cancellationToken).ConfigureAwait(false);
            if (dropped)
            {
                progress?.Report($"dropped {DatabaseNames.Branch(config.Name, worktree.Slug)}");
            }

            return dropped;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grove's recorded databases of the configured server and name (the ones <see cref="DropOrphanAsync"/> can reach).</summary>
    public IReadOnlyList<OwnedDatabase> OwnedFor(DatabaseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Provider == DatabaseProvider.Sqlite)
        {
            var folder = Sqlite(config).Folder;
            return [.. _ownership.ReadServer("sqlite", "sqlite").Where(d => string.Equals(Path.GetDirectoryName(d.FinalName), folder, StringComparison.Ordinal))];
        }

        return [.. _ownership.ReadServer("postgres", _postgres.Key(config)).Where(d => d.FinalName.StartsWith(config.Name + "_", StringComparison.Ordinal))];
    }

    /// <summary>Drops an orphaned branch (<see cref="Orphans"/>) of <see cref="OwnedFor"/>; false when it was gone already.</summary>
    public async Task<bool> DropOrphanAsync(OwnedDatabase orphan, DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        ArgumentNullException.ThrowIfNull(config);
        if (orphan is not { Kind: OwnedKind.Branch, Slug: { } slug })
        {
            throw new ArgumentException("only a branch is ever dropped as an orphan", nameof(orphan));
        }

        return await LockedAsync(config, progress, async () =>
        {
            if (config.Provider == DatabaseProvider.Sqlite)
            {
                var sqlite = Sqlite(config);
                sqlite.Recover();
                return sqlite.Drop(slug);
            }

            await using var postgres = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
            return await postgres.DropOwnedAsync(orphan.FinalName, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the template when it is missing or its seed changed, or always with <paramref name="rebuild"/>.</summary>
    public async Task EnsureTemplateAsync(DatabaseConfig config, bool rebuild, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var seed = await SeedAsync(config, null, progress, cancellationToken).ConfigureAwait(false);
        await LockedAsync(config, progress, async () =>
        {
            if (config.Provider == DatabaseProvider.Sqlite)
            {
                var sqlite = Sqlite(config);
                sqlite.Recover();
                await sqlite.EnsureTemplateAsync(seed, rebuild, progress, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            await using var postgres = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
            await postgres.EnsureTemplateAsync(config.Name, seed, rebuild, progress, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How the worktree's app reaches its database, without starting a server or making
    /// anything (for <c>grove env</c> and <c>grove ls</c>). Its environment holds the password.
    /// </summary>
    public DatabaseBranch Describe(WorktreeSnapshot worktree, DatabaseConfig config)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Provider == DatabaseProvider.Sqlite)
        {
            var path = Sqlite(config).BranchPath(worktree.Slug);
            return new DatabaseBranch(config.Provider, Path.GetFileName(path), SqliteBrancher.Environment(config.Name, path), SqliteBrancher.ConnectionString(path));
        }

        var server = _postgres.Describe(config);
        return PostgresBranch(server, config, DatabaseNames.Branch(config.Name, worktree.Slug));
    }

    /// <summary>
    /// Like <see cref="Describe"/>, but only when that database exists and is Grove's own, made
    /// for this worktree; null otherwise (never made yet, a crashed run, or a database of the same
    /// name that someone else created), so nobody is pointed at data that is not the worktree's.
    /// </summary>
    public DatabaseBranch? DescribeOwned(WorktreeSnapshot worktree, DatabaseConfig config)
    {
        var branch = Describe(worktree, config);
        var provider = config.Provider.ToString();
        var owned = _ownership.ReadAll().Any(o =>
            o.Ready && o.Kind == OwnedKind.Branch
            && string.Equals(o.Provider, provider, StringComparison.OrdinalIgnoreCase)
            && (Path.GetFileName(o.FinalName) == branch.Name || o.FinalName == branch.Name));
        return owned ? branch : null;
    }

    /// <summary>
    /// The worktree's database as front ends show it: ready when Grove made it, unfinished while
    /// an interrupted run's half-made copy is recorded for it, pending (named as it will be) otherwise.
    /// </summary>
    public WorktreeDatabase DescribeState(WorktreeSnapshot worktree, DatabaseConfig config)
    {
        var branch = Describe(worktree, config);
        var provider = config.Provider.ToString();
        var records = _ownership.ReadAll().Where(o =>
            o.Kind == OwnedKind.Branch && string.Equals(o.Provider, provider, StringComparison.OrdinalIgnoreCase)
            && (Path.GetFileName(o.FinalName) == branch.Name || o.FinalName == branch.Name)).ToList();
        var state = records.Any(o => o.Ready) ? WorktreeDatabase.Ready
            : records.Count > 0 ? WorktreeDatabase.Unfinished
            : WorktreeDatabase.Pending;
        return branch.Describe() with { State = state };
    }

    /// <summary>
    /// Finishes or drops what interrupted runs left (a half-made copy, a rename that was due), as
    /// every database command does first; nothing to do (and no server started) when the state
    /// store records nothing unfinished. Runs that are under way hold the database lock, so only
    /// what crashed runs left is settled. True when there was something to settle.
    /// </summary>
    public async Task<bool> SettleInterruptedAsync(DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var provider = config.Provider.ToString();
        if (!_ownership.ReadAll().Any(o => !o.Ready && string.Equals(o.Provider, provider, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return await LockedAsync(config, progress, async () =>
        {
            if (config.Provider == DatabaseProvider.Sqlite)
            {
                Sqlite(config).Recover();
            }
            else
            {
                await using var brancher = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every database Grove has recorded as its own, in this repository's state store.</summary>
    public IReadOnlyList<OwnedDatabase> ListOwned() => _ownership.ReadAll();

    public async ValueTask DisposeAsync()
    {
        if (_keeper is not null)
        {
            await _keeper.DisposeAsync().ConfigureAwait(false);
        }

        await _postgres.DisposeAsync().ConfigureAwait(false);

        _gate.Dispose();
    }

    private string DatabaseLock => Path.Combine(_state.Folder, "databases.lock");

    private async Task<DatabaseBranch> ChangeAsync(WorktreeSnapshot worktree, DatabaseConfig config, IProgress<string>? progress, BranchMode mode, WorktreeSnapshot? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(config);
        var seed = await SeedAsync(config, worktree, progress, cancellationToken).ConfigureAwait(false);
        return await LockedAsync(config, progress, () => config.Provider == DatabaseProvider.Sqlite
            ? BranchSqliteAsync(worktree, config, seed, progress, mode, source, cancellationToken)
            : BranchPostgresAsync(worktree, config, seed, progress, mode, source, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DatabaseBranch> BranchSqliteAsync(WorktreeSnapshot worktree, DatabaseConfig config, Seed seed, IProgress<string>? progress, BranchMode mode, WorktreeSnapshot? source, CancellationToken cancellationToken)
    {
        var sqlite = Sqlite(config);
        sqlite.Recover();
        var target = sqlite.BranchPath(worktree.Slug);
        if (File.Exists(target) && _ownership.Find("sqlite", "sqlite", target) is { } existing
            && !KeepsOrLeavesOrphan(existing, Path.GetFileName(target), worktree, mode, progress))
        {
            mode = BranchMode.Reset;
        }

        if (mode == BranchMode.Reset || !File.Exists(target))
        {
            string from;
            if (source is not null)
            {
                from = sqlite.BranchPath(source.Slug);
                if (!File.Exists(from))
                {
                    throw new GroveException($"the worktree '{source.Slug}' has no database yet ({from})", $"give it one first: grove db reset {source.Slug}");
                }
            }
            else
            {
                await sqlite.EnsureTemplateAsync(seed, false, progress, cancellationToken).ConfigureAwait(false);
                from = sqlite.TemplatePath;
            }

            sqlite.Branch(from, worktree.Slug, worktree.Path, progress, cancellationToken);
        }

        return Describe(worktree, config);
    }

    private async Task<DatabaseBranch> BranchPostgresAsync(WorktreeSnapshot worktree, DatabaseConfig config, Seed seed, IProgress<string>? progress, BranchMode mode, WorktreeSnapshot? source, CancellationToken cancellationToken)
    {
        await using var postgres = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
        var target = DatabaseNames.Branch(config.Name, worktree.Slug);
        var existing = await postgres.FindOwnedAsync(target, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !KeepsOrLeavesOrphan(existing, target, worktree, mode, progress))
        {
            mode = BranchMode.Reset;
        }

        if (existing is null || mode == BranchMode.Reset)
        {
            if (source is not null)
            {
                var from = DatabaseNames.Branch(config.Name, source.Slug);
                await postgres.QuiesceAsync(from, progress, () => postgres.CloneAsync(config.Name, from, target, worktree.Path, worktree.Slug, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var template = await postgres.EnsureTemplateAsync(config.Name, seed, rebuild: false, progress, cancellationToken).ConfigureAwait(false);
                if (config.Spares == 0 || !await new SparePool(postgres, _time).ClaimAsync(config.Name, target, worktree.Path, worktree.Slug, progress, cancellationToken).ConfigureAwait(false))
                {
                    await postgres.CloneAsync(config.Name, template, target, worktree.Path, worktree.Slug, progress, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return PostgresBranch(postgres.Server, config, target);
    }

    /// <summary>
    /// For an existing branch under the worktree's name: false when it is an earlier worktree's
    /// orphan to branch anew (said through <paramref name="progress"/>); true when it is the
    /// worktree's own, when resetting anyway, or when the orphan is kept on request (it becomes this worktree's).
    /// </summary>
    private bool KeepsOrLeavesOrphan(OwnedDatabase existing, string name, WorktreeSnapshot worktree, BranchMode mode, IProgress<string>? progress)
    {
        if (mode == BranchMode.Reset || !existing.Ready || !Orphans.MadeBefore(existing, worktree.Path))
        {
            return true;
        }

        if (mode == BranchMode.EnsureKeepingOrphan)
        {
            _ownership.Adopt(existing.Provider, existing.Server, existing.Name, worktree.Path, _time.GetUtcNow());
            progress?.Report($"keeping {name}, left by an earlier worktree of the same name (made {existing.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}), as asked: its data is this worktree's now");
            return true;
        }

        progress?.Report($"{name} was left by an earlier worktree of the same name (orphaned, made {existing.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}): dropping it and branching anew from the template (to keep its data instead: grove new --keep-db)");
        return false;
    }

    private static DatabaseBranch PostgresBranch(PostgresServer server, DatabaseConfig config, string database) =>
        new(config.Provider, database,
            server.Environment(config.Name, database),
            server.Display(database));

    /// <summary>The brancher for the configured server, after settling crashed runs; starts the local server when needed.</summary>
    private async Task<PostgresBrancher> PostgresAsync(DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // Checked on every change, so a long-lived manager (grove up) restarts a server that died.
        var server = await _postgres.EnsureAsync(config, progress, cancellationToken).ConfigureAwait(false);
        _server = server;
        var brancher = new PostgresBrancher(server, _ownership, _time);
        try
        {
            await brancher.RecoverAsync(cancellationToken).ConfigureAwait(false);
            return brancher;
        }
        catch
        {
            await brancher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private SqliteBrancher Sqlite(DatabaseConfig config) => new(_state.Folder, config.Name, _ownership, _time);

    /// <summary>
    /// Runs <paramref name="work"/> holding the repository's database lock (this process's gate,
    /// then the lock file). A fresh process warms up for PostgreSQL first, outside the lock.
    /// </summary>
    private async Task<T> LockedAsync<T>(DatabaseConfig config, IProgress<string>? progress, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (config.Provider == DatabaseProvider.Postgres)
        {
            await _postgres.WarmUpAsync(config, cancellationToken).ConfigureAwait(false);
        }

        await _gate.WaitAsync(LockLimit, cancellationToken).ConfigureAwait(false);
        try
        {
            _ = _state.Use(_ => 0); // the state folder exists, owner-only, before the lock file goes in
            using var held = await FileLock.AcquireAsync(DatabaseLock, exclusive: true, LockLimit, progress, cancellationToken).ConfigureAwait(false);
            return await work().ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException ex) when (_server is { } server)
        {
            throw PostgresErrors.Translate(ex, server); // a clear error with a fix, never a stack trace
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Whether the template was built from another seed than the current one (a changed
    /// <c>database.seedInputs</c> file, seed file or seed command): the next branch rebuilds it.
    /// False when no template was built yet. Reads the state store and the seed only.
    /// </summary>
    public async Task<bool> TemplateSeedChangedAsync(DatabaseConfig config, CancellationToken cancellationToken) =>
        await NewSeedHashAsync(config, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The current seed's hash when the built template has another one; null when it is current or not built yet.</summary>
    public async Task<string?> NewSeedHashAsync(DatabaseConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var seed = new Seed(config, await SeedRootAsync(null, cancellationToken).ConfigureAwait(false));
        var (server, template) = config.Provider == DatabaseProvider.Sqlite
            ? ("sqlite", Sqlite(config).TemplatePath)
            : (_postgres.Key(config), DatabaseNames.Template(config.Name));
        var recorded = _ownership.ReadAll().FirstOrDefault(o =>
            o.Ready && o.Kind == OwnedKind.Template && o.Server == server && o.FinalName == template
            && string.Equals(o.Provider, ProviderNames.Of(config.Provider), StringComparison.OrdinalIgnoreCase));
        var hash = seed.Hash();
        return recorded is not null && recorded.SeedHash != hash ? hash : null;
    }

    /// <summary>The seed read from the primary worktree; a seed command installs that worktree's dependencies first.</summary>
    private async Task<Seed> SeedAsync(DatabaseConfig config, WorktreeSnapshot? fallback, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var root = await SeedRootAsync(fallback, cancellationToken).ConfigureAwait(false);
        return new Seed(config, root)
        {
            BeforeCommand = config.SeedCommand is null ? null : token => InstallSeedRootAsync(root, progress, token),
        };
    }

    /// <summary>
    /// Installs the dependencies of the worktree the seed command runs in (the engine's install
    /// step, reusing another worktree's install of the same inputs), so <c>npm run migrate</c> finds
    /// its tools on a fresh clone. A failure names the install, not the seed command.
    /// </summary>
    private async Task InstallSeedRootAsync(string root, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var snapshot = await new WorktreeCatalog(new Git(), CommonGitDirectory, _time).SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var worktree = snapshot.Worktrees.FirstOrDefault(w => string.Equals(Path.GetFullPath(w.Path), Path.GetFullPath(root), StringComparison.Ordinal));
        if (worktree is null)
        {
            return; // not a worktree git lists (it was removed meanwhile): the seed command says what it lacks
        }

        var config = GroveConfigLoader.LoadFromWorktree(root);
        try
        {
            var report = await new DependencyInstaller(CommonGitDirectory, _time).EnsureInstalledAsync(worktree, config, _ => { }, progress, force: false, cancellationToken).ConfigureAwait(false);
            if (report.Steps.Count > 0)
            {
                progress?.Report($"dependencies of {root} ready for the seed command");
            }
        }
        catch (InstallFailedException ex)
        {
            throw new GroveException(
                $"the seed command did not run: the dependencies of {root} (where it runs) could not be installed first: {ex.Message}",
                $"{ex.Fix}; then run 'grove db template --rebuild' (or let 'grove up' try again)",
                ex);
        }
    }

    /// <summary>Where seed paths are read: the primary worktree (one template for all), else <paramref name="fallback"/>.</summary>
    private async Task<string> SeedRootAsync(WorktreeSnapshot? fallback, CancellationToken cancellationToken)
    {
        if (_seedRoot is not null)
        {
            return _seedRoot;
        }

        var catalog = new WorktreeCatalog(new Git(), CommonGitDirectory, _time);
        var entries = await catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        var primary = entries.Count > 0 && !entries[0].IsBare ? entries[0].Path : fallback?.Path;
        _seedRoot = primary ?? throw new GroveException("this bare repository has no worktree to read database.seed from", "add a worktree (grove new <branch>), then run the command there");
        return _seedRoot;
    }

    private enum BranchMode
    {
        Ensure,

        /// <summary>Like <see cref="Ensure"/>, and an orphaned branch under the worktree's name is kept as its own.</summary>
        EnsureKeepingOrphan,
        Reset,
    }
}
