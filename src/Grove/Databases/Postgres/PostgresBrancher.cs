using System.Globalization;
using Npgsql;

namespace Grove.Databases;

/// <summary>
/// Templates and branches on one PostgreSQL server. Every database is made under a temporary
/// name that is recorded (with its OID once known) before it exists, then renamed: a crash leaves
/// at worst a recorded temporary database, which <see cref="RecoverAsync"/> drops on the next run.
/// A spare (a ready-made copy of the template) is claimed the same way: its record becomes the
/// unfinished branch's, then it is renamed. Only recorded databases whose OID still matches are
/// ever dropped, always <c>WITH (FORCE)</c>. Callers hold the repository's database lock.
/// </summary>
internal sealed class PostgresBrancher(PostgresServer server, OwnershipStore ownership, TimeProvider time) : IAsyncDisposable
{
    private const string Provider = "postgres";
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(3);
    private NpgsqlConnection? _admin;

    public PostgresServer Server { get; } = server ?? throw new ArgumentNullException(nameof(server));

    /// <summary>
    /// Drops what crashed runs left half-made, settles renames that finished, and lets connections
    /// back into a branch that a crashed <c>--db-from</c> had closed.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var records = ownership.ReadServer(Provider, Server.Key);
        var ready = records.Where(d => d.Ready).Select(d => d.Name).ToArray();
        if (ready.Length > 0)
        {
            var admin = await AdminAsync(cancellationToken).ConfigureAwait(false);
            var closed = await NamesAsync(admin, "SELECT datname::text FROM pg_database WHERE NOT datallowconn AND datname = ANY($1);", ready, cancellationToken).ConfigureAwait(false);
            foreach (var name in closed)
            {
                await ExecuteAsync(admin, $"ALTER DATABASE {DatabaseNames.Quote(name)} WITH ALLOW_CONNECTIONS true;", cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var pending in records.Where(d => !d.Ready))
        {
            var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
            if (pending.Oid is null)
            {
                // The crash came before the OID was read: stop a CREATE DATABASE still running for it.
                await ExecuteAsync(connection, """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE pid <> pg_backend_pid() AND starts_with(query, $1);
                    """, cancellationToken, CreatePrefix(pending.Name)).ConfigureAwait(false);
                await WaitForNoCreatorAsync(connection, pending.Name, cancellationToken).ConfigureAwait(false);
            }

            var found = pending.Oid is { } oid
                ? await NameOfAsync(connection, oid, cancellationToken).ConfigureAwait(false)
                : await OidOfAsync(connection, pending.Name, cancellationToken).ConfigureAwait(false) is null ? null : pending.Name;
            if (found == pending.FinalName && pending.Oid is not null)
            {
                ownership.Complete(Provider, Server.Key, pending.Name); // renamed just before the crash
                continue;
            }

            if (found == pending.Name && (pending.Kind is OwnedKind.Branch or OwnedKind.Spare) && pending.Oid is not null
                && await OidOfAsync(connection, pending.FinalName, cancellationToken).ConfigureAwait(false) is null)
            {
                // A copy's OID is recorded once CREATE DATABASE returned, so the copy is complete:
                // the crash came between dropping the replaced branch and the rename (or, for a
                // claimed spare, between its record becoming the branch's and the rename). Finish it.
                await RenameAsync(connection, pending.Name, pending.FinalName, cancellationToken).ConfigureAwait(false);
                ownership.Complete(Provider, Server.Key, pending.Name);
                continue;
            }

            if (found == pending.Name)
            {
                await DropAsync(connection, pending.Name, cancellationToken).ConfigureAwait(false);
            }

            ownership.Remove(Provider, Server.Key, pending.Name);
        }
    }

    /// <summary>The template, built from <paramref name="seed"/> when missing, stale (seed changed) or <paramref name="rebuild"/>.</summary>
    public async Task<string> EnsureTemplateAsync(string name, Seed seed, bool rebuild, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var template = DatabaseNames.Template(name);
        var hash = seed.Hash();
        var current = await FindOwnedAsync(template, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.SeedHash == hash && !rebuild)
        {
            return template;
        }

        await RefuseForeignAsync(template, current, cancellationToken).ConfigureAwait(false);
        progress?.Report(current is null ? $"building the template {template} from {seed.Describe()}" : $"rebuilding the template {template} from {seed.Describe()}");
        var started = time.GetTimestamp();
        var temporary = await BeginAsync(name, template, OwnedKind.Template, null, null, hash, cancellationToken).ConfigureAwait(false);
        var admin = await AdminAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(admin, $"{CreatePrefix(temporary)} ENCODING 'UTF8' TEMPLATE template0;", cancellationToken).ConfigureAwait(false);
        ownership.SetOid(Provider, Server.Key, temporary, (await OidOfAsync(admin, temporary, cancellationToken).ConfigureAwait(false))!.Value);

        try
        {
            if (seed.SqlPath is not null)
            {
                await using var target = await OpenAsync(temporary, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(target, seed.ReadSqlText(), cancellationToken).ConfigureAwait(false);
            }
            else if (seed.Config.SeedCommand is not null)
            {
                await seed.RunCommandAsync(Server.Environment(seed.Config.Name, temporary), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is GroveException or PostgresException)
        {
            // A seed that fails (a broken migration) is no crash: its half-made template goes now,
            // rather than being settled later as what "an interrupted grove run left".
            await DropAsync(admin, temporary, cancellationToken).ConfigureAwait(false);
            ownership.Remove(Provider, Server.Key, temporary);
            throw;
        }

        await FinishAsync(temporary, template, current, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"template {template} ready in {time.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return template;
    }

    /// <summary>
    /// Makes <paramref name="target"/> a copy of <paramref name="source"/>. An existing owned
    /// <paramref name="target"/> is replaced only once the copy is complete.
    /// </summary>
    public Task CloneAsync(string name, string source, string target, string worktree, string slug, IProgress<string>? progress, CancellationToken cancellationToken) =>
        CopyAsync(name, source, target, OwnedKind.Branch, worktree, slug, null, progress, cancellationToken);

    /// <summary>Makes a spare: a new copy of <paramref name="template"/>, tagged with <paramref name="tag"/>; returns its name.</summary>
    public async Task<string> MakeSpareAsync(string name, string template, string tag, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var spare = DatabaseNames.Spare(name);
        await CopyAsync(name, template, spare, OwnedKind.Spare, null, null, tag, progress, cancellationToken).ConfigureAwait(false);
        return spare;
    }

    /// <summary>
    /// Gives the ready spare <paramref name="spare"/> to a worktree as <paramref name="target"/>
    /// (replacing an owned <paramref name="target"/>): its record becomes an unfinished branch
    /// first, then the old branch is dropped and the spare renamed, then the record completed; a
    /// crash in between is settled by <see cref="RecoverAsync"/>. False when it is no longer a ready spare of Grove's.
    /// </summary>
    public async Task<bool> ClaimAsync(string spare, string target, string worktree, string slug, CancellationToken cancellationToken)
    {
        var current = await FindOwnedAsync(target, cancellationToken).ConfigureAwait(false);
        await RefuseForeignAsync(target, current, cancellationToken).ConfigureAwait(false);
        if (await FindOwnedAsync(spare, cancellationToken).ConfigureAwait(false) is not { Kind: OwnedKind.Spare }
            || !ownership.Claim(Provider, Server.Key, spare, target, worktree, slug, time.GetUtcNow()))
        {
            return false;
        }

        await FinishAsync(spare, target, current, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task CopyAsync(string name, string source, string target, OwnedKind kind, string? worktree, string? slug, string? tag, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var current = await FindOwnedAsync(target, cancellationToken).ConfigureAwait(false);
        await RefuseForeignAsync(target, current, cancellationToken).ConfigureAwait(false);
        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        var size = await ScalarAsync<long?>(connection, "SELECT pg_database_size($1);", cancellationToken, source).ConfigureAwait(false) ?? 0;
        var strategy = await StrategyAsync(connection, size, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"branching {target} from {source} ({size / 1048576.0:0.0} MB{(strategy is null ? string.Empty : $", {strategy}")})"));
        var started = time.GetTimestamp();
        var temporary = await BeginAsync(name, target, kind, worktree, slug, tag, cancellationToken).ConfigureAwait(false);
        var create = $"{CreatePrefix(temporary)} TEMPLATE {DatabaseNames.Quote(source)}{(strategy is null ? string.Empty : $" STRATEGY {strategy}")};";
        for (var deadline = time.GetTimestamp(); ; )
        {
            try
            {
                await ExecuteAsync(connection, create, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrors.ObjectInUse)
            {
                if (time.GetElapsedTime(deadline) < BusyRetry)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                ownership.Remove(Provider, Server.Key, temporary); // nothing was made
                var sessions = await SessionsAsync(connection, source, cancellationToken).ConfigureAwait(false);
                throw new GroveException(
                    $"the database {source} is in use ({sessions}), and PostgreSQL copies a database only while no one is connected to it; nothing was changed",
                    $"close those connections (apps never need the template), then run the command again");
            }
        }

        ownership.SetOid(Provider, Server.Key, temporary, (await OidOfAsync(connection, temporary, cancellationToken).ConfigureAwait(false))!.Value);
        await FinishAsync(temporary, target, current, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"branched {target} in {time.GetElapsedTime(started).TotalSeconds:0.00} s"));
    }

    /// <summary>
    /// Closes every connection to an owned branch and keeps new ones out while
    /// <paramref name="work"/> runs (so it can be copied), then lets them in again.
    /// </summary>
    public async Task QuiesceAsync(string database, IProgress<string>? progress, Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (await FindOwnedAsync(database, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new GroveException($"the database {database} does not exist or was not made by Grove", "branch it first (grove db reset <worktree>), or pick another worktree for --db-from");
        }

        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        var quoted = DatabaseNames.Quote(database);
        await ExecuteAsync(connection, $"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS false;", cancellationToken).ConfigureAwait(false);
        try
        {
            var closed = await ScalarAsync<long>(connection, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid();", cancellationToken, database).ConfigureAwait(false);
            if (closed > 0)
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"warning: closed {closed} connection(s) to {database} so it can be copied; its app reconnects afterwards"));
            }

            await work().ConfigureAwait(false);
        }
        finally
        {
            await ExecuteAsync(connection, $"ALTER DATABASE {quoted} WITH ALLOW_CONNECTIONS true;", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Drops <paramref name="database"/> if Grove made it (recorded, same OID); false when it did not exist or is not Grove's.</summary>
    public async Task<bool> DropOwnedAsync(string database, CancellationToken cancellationToken)
    {
        var owned = await FindOwnedAsync(database, cancellationToken).ConfigureAwait(false);
        if (owned is null)
        {
            return false;
        }

        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        await DropAsync(connection, database, cancellationToken).ConfigureAwait(false);
        ownership.Remove(Provider, Server.Key, database);
        return true;
    }

    /// <summary>The recorded ready spares of <paramref name="name"/>, oldest first (not checked against the server).</summary>
    public IReadOnlyList<OwnedDatabase> RecordedSpares(string name) =>
        [.. ownership.ReadServer(Provider, Server.Key)
            .Where(d => d is { Ready: true, Kind: OwnedKind.Spare } && d.Name.StartsWith(DatabaseNames.SparePrefix(name), StringComparison.Ordinal))
            .OrderBy(d => d.CreatedAt)];

    /// <summary>The owned record of <paramref name="database"/> when it exists with the recorded OID; stale records are removed.</summary>
    public async Task<OwnedDatabase?> FindOwnedAsync(string database, CancellationToken cancellationToken)
    {
        var record = ownership.Find(Provider, Server.Key, database);
        if (record is null || !record.Ready)
        {
            return null;
        }

        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        var oid = await OidOfAsync(connection, database, cancellationToken).ConfigureAwait(false);
        if (oid == record.Oid)
        {
            return record;
        }

        ownership.Remove(Provider, Server.Key, database); // dropped (or replaced) by someone else
        return null;
    }


    private async Task RefuseForeignAsync(string database, OwnedDatabase? owned, CancellationToken cancellationToken)
    {
        if (owned is not null)
        {
            return;
        }

        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        if (await OidOfAsync(connection, database, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new GroveException(
                $"a database named {database} already exists on {Server.Key}, and Grove did not create it; Grove never changes or drops it",
                "rename or drop it yourself, or pick another database.name in grove.json");
        }
    }

    private Task<string> BeginAsync(string name, string final, OwnedKind kind, string? worktree, string? slug, string? seedHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var temporary = DatabaseNames.Temporary(name);
        ownership.Begin(new OwnedDatabase(Provider, Server.Key, temporary, kind, final, null, worktree, slug, seedHash, false, time.GetUtcNow()));
        return Task.FromResult(temporary);
    }

    /// <summary>Replaces the previous database (if any) by the complete temporary one.</summary>
    private async Task FinishAsync(string temporary, string final, OwnedDatabase? previous, CancellationToken cancellationToken)
    {
        var connection = await AdminAsync(cancellationToken).ConfigureAwait(false);
        if (previous is not null)
        {
            await DropAsync(connection, final, cancellationToken).ConfigureAwait(false);
            ownership.Remove(Provider, Server.Key, final);
        }

        Processes.CrashPoint.Reach(Processes.CrashPoint.BeforeRename);
        await RenameAsync(connection, temporary, final, cancellationToken).ConfigureAwait(false);
        ownership.Complete(Provider, Server.Key, temporary);
    }

    /// <summary>
    /// Renames a database of Grove's that no app uses (a complete temporary copy, or a spare).
    /// PostgreSQL renames only a database nobody is connected to, so stray sessions on it (a tool
    /// that opens every database, such as pgAdmin) are closed first, and the rename retried while
    /// they go away.
    /// </summary>
    private async Task RenameAsync(NpgsqlConnection connection, string from, string to, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            await ExecuteAsync(connection, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid();", cancellationToken, from).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, $"ALTER DATABASE {DatabaseNames.Quote(from)} RENAME TO {DatabaseNames.Quote(to)};", cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrors.ObjectInUse && time.GetElapsedTime(started) < BusyRetry)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<string?> StrategyAsync(NpgsqlConnection connection, long size, CancellationToken cancellationToken)
    {
        var version = await ScalarAsync<int>(connection, "SELECT current_setting('server_version_num')::int;", cancellationToken).ConfigureAwait(false);
        if (version < 150000)
        {
            return null;
        }

        // PostgreSQL 18 can clone files (reflinks) where the filesystem allows: near constant time.
        var copyMethod = await ScalarAsync<string?>(connection, "SELECT current_setting('file_copy_method', true);", cancellationToken).ConfigureAwait(false);
        return copyMethod == "clone" ? "FILE_COPY" : ClonePlan.For(size);
    }

    /// <summary>How every CREATE DATABASE of Grove starts, so recovery can find one a killed run left running.</summary>
    private static string CreatePrefix(string database) => $"CREATE DATABASE {DatabaseNames.Quote(database)}";

    private static async Task DropAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {DatabaseNames.Quote(database)} WITH (FORCE);", cancellationToken).ConfigureAwait(false);

    private static Task<long?> OidOfAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        ScalarAsync<long?>(connection, "SELECT oid::bigint FROM pg_database WHERE datname = $1;", cancellationToken, database);

    private static Task<string?> NameOfAsync(NpgsqlConnection connection, long oid, CancellationToken cancellationToken) =>
        ScalarAsync<string?>(connection, "SELECT datname::text FROM pg_database WHERE oid = $1::bigint::oid;", cancellationToken, oid);

    private static async Task<List<string>> NamesAsync(NpgsqlConnection connection, string sql, string[] names, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, [names]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private static async Task<string> SessionsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        await ScalarAsync<string?>(connection, """
            SELECT count(*) || ' open connection(s): ' || string_agg(DISTINCT coalesce(nullif(application_name, ''), 'unnamed') || ' from ' || coalesce(host(client_addr), 'local socket'), ', ')
            FROM pg_stat_activity WHERE datname = $1;
            """, cancellationToken, database).ConfigureAwait(false) ?? "open connections";

    private static async Task WaitForNoCreatorAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100; i++)
        {
            var running = await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND starts_with(query, $1);", cancellationToken, CreatePrefix(database)).ConfigureAwait(false);
            if (running == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
            _admin = null;
        }
    }

    /// <summary>The one connection to the maintenance database this brancher uses (one operation at a time, under the lock).</summary>
    private async Task<NpgsqlConnection> AdminAsync(CancellationToken cancellationToken)
    {
        if (_admin is { State: System.Data.ConnectionState.Open })
        {
            return _admin;
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        _admin = await OpenAsync(null, cancellationToken).ConfigureAwait(false);
        return _admin;
    }

    private async Task<NpgsqlConnection> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Server.Admin(database));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw PostgresErrors.Translate(ex, Server);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default! : (T)value;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
