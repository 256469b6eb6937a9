using Grove.Processes;
using Grove.Files;
using Grove.Configuration;
using Grove.State;
using Grove.Worktrees;

namespace Grove.Databases;

/// <summary>The spares part of <see cref="DatabaseManager"/>: ready-made branches of the template, refilled off the critical path.</summary>
internal sealed partial class DatabaseManager
{
    /// <summary>
    /// PostgreSQL: brings the spares to <c>database.spares</c> ready-made branches of the current
    /// template (building the template first when needed), dropping stale and extra ones; one
    /// spare per hold of the database lock, so other database work waits at most for one copy.
    /// Returns how many it made. SQLite has no spares.
    /// </summary>
    public async Task<int> RefillSparesAsync(DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Provider != DatabaseProvider.Postgres)
        {
            return 0;
        }

        var seed = await SeedAsync(config, null, progress, cancellationToken).ConfigureAwait(false);
        var made = 0;
        while (await LockedAsync(config, progress, async () =>
        {
            await using var postgres = await PostgresAsync(config, progress, cancellationToken).ConfigureAwait(false);
            await postgres.EnsureTemplateAsync(config.Name, seed, rebuild: false, progress, cancellationToken).ConfigureAwait(false);
            return await new SparePool(postgres, _time).RefillOneAsync(config.Name, config.Spares, progress, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false))
        {
            made++;
        }

        return made;
    }

    /// <summary>
    /// Whether the spares may need work (<see cref="RefillSparesAsync"/>), from the state store
    /// alone (no server is started): fewer or more spares of the recorded template than
    /// configured, or spares of an older one. SQLite: never.
    /// </summary>
    public bool SparesNeedWork(DatabaseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Provider != DatabaseProvider.Postgres)
        {
            return false;
        }

        var server = _postgres.Key(config);
        return SparePool.NeedsWork(_ownership.ReadServer("postgres", server), config.Name, config.Spares);
    }

    /// <summary>
    /// The repository's database settings, as the CLI reads them (the primary worktree's
    /// grove.json, once this manager has found the primary), so the number of spares does not
    /// depend on which worktree's step ran last; <paramref name="fallback"/> when the primary has none.
    /// </summary>
    internal DatabaseConfig RepositorySettings(DatabaseConfig fallback)
    {
        if (_seedRoot is null)
        {
            return fallback;
        }

        try
        {
            return Configuration.GroveConfigLoader.LoadFromWorktree(_seedRoot).Database ?? fallback;
        }
        catch (GroveException)
        {
            return fallback; // a broken grove.json is reported by the commands that read it
        }
    }

    /// <summary>
    /// For <c>grove up</c>: keeps the template current (rebuilt when its seed inputs change) and the
    /// spares full (PostgreSQL) in the background from now on (after this call and periodically),
    /// reporting to <paramref name="log"/>; stopped by <see cref="DisposeAsync"/>.
    /// </summary>
    public void KeepSparesFull(DatabaseConfig config, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(log);
        lock (_keeperLock)
        {
            _keeper ??= new SpareKeeper(this);
        }

        _keeper.Request(config, log);
    }
}
