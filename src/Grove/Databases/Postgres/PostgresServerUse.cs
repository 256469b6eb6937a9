using System.Globalization;
using Grove.Configuration;
using Grove.Files;
using Grove.Worktrees;

namespace Grove.Databases;

/// <summary>
/// Which PostgreSQL server a <see cref="DatabaseManager"/> branches in, and its lifetime: a
/// front end's own server (the override), grove.json's <c>connectionString</c>, or Grove's own
/// server, started on first use and stopped when this started it and no other grove process
/// uses it any more (a shared lock file counts its users).
/// </summary>
internal sealed class PostgresServerUse(LocalPostgresServer local, string stateFolder, string? serverOverride) : IAsyncDisposable
{
    private static readonly TimeSpan LockLimit = TimeSpan.FromMinutes(30);
    private FileLock? _users;
    private bool _started;
    private volatile bool _warm;
    private volatile DatabaseServerInfo? _localInUse;

    /// <summary>Grove's own server once this has used it (it runs then); null before.</summary>
    public DatabaseServerInfo? LocalInUse => _localInUse;

    private string UsersLock => Path.Combine(stateFolder, "postgres.users.lock");

    /// <summary>The state store's key of the server <paramref name="config"/> branches in.</summary>
    public string Key(DatabaseConfig config) => Given(config) is not { } given ? PostgresServer.LocalKey : PostgresServer.Given(given).Key;

    /// <summary>How apps reach the server, without starting it.</summary>
    public PostgresServer Describe(DatabaseConfig config) => Given(config) is not { } given ? local.Describe() : PostgresServer.Given(given);

    /// <summary>The server, running: Grove's own is started (or restarted, when it died) on every call.</summary>
    public async Task<PostgresServer> EnsureAsync(DatabaseConfig config, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (Given(config) is { } given)
        {
            return PostgresServer.Given(given);
        }

        var adopted = false;
        if (_users is null)
        {
            // No other grove process uses the server, yet it may run: a grove killed (SIGKILL)
            // while it used it left it running. This one then stops it when done, as its starter would have.
            using (var alone = FileLock.TryAcquire(UsersLock, exclusive: true))
            {
                adopted = alone is not null && local.RunsNow();
            }

            _users = await FileLock.AcquireAsync(UsersLock, exclusive: false, LockLimit, progress, cancellationToken).ConfigureAwait(false);
        }

        var (running, started) = await local.EnsureRunningAsync(progress, cancellationToken).ConfigureAwait(false);
        _started |= started || adopted;
        _localInUse = new DatabaseServerInfo(
            $"127.0.0.1:{new Npgsql.NpgsqlConnectionStringBuilder(running.Base).Port.ToString(CultureInfo.InvariantCulture)}",
            local.DataFolder);
        return running;
    }

    /// <summary>
    /// Warms this process up for its first change of Grove's own server, outside the database lock
    /// (see <see cref="LocalPostgresServer.WarmUpAsync"/>); once per instance. A server of the
    /// user's own is not tried twice: one that is down would cost its connect timeout twice.
    /// </summary>
    public async Task WarmUpAsync(DatabaseConfig config, CancellationToken cancellationToken)
    {
        if (_warm || Given(config) is not null)
        {
            return;
        }

        _warm = true;
        await local.WarmUpAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _users?.Dispose();
        _users = null;
        if (_started)
        {
            _started = false;
            using var alone = FileLock.TryAcquire(UsersLock, exclusive: true);
            if (alone is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await local.StopAsync(timeout.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The server given to branch in: the override, else grove.json's; null: Grove's own.</summary>
    private string? Given(DatabaseConfig config) => serverOverride ?? config.ConnectionString;
}
