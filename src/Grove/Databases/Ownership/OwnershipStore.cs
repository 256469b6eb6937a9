using System.Globalization;
using Grove.State;
using Microsoft.Data.Sqlite;

namespace Grove.Databases;

/// <summary>The <c>databases</c> and <c>database_servers</c> tables of the state store.</summary>
internal sealed class OwnershipStore(StateStore store)
{
    private const string Columns = "provider, server, name, kind, final_name, oid, worktree, slug, seed_hash, ready, created_at";
    private readonly StateStore _store = store ?? throw new ArgumentNullException(nameof(store));

    public IReadOnlyList<OwnedDatabase> ReadAll() => Query("SELECT " + Columns + " FROM databases ORDER BY provider, server, final_name;", _ => { });

    public IReadOnlyList<OwnedDatabase> ReadServer(string provider, string server) =>
        Query("SELECT " + Columns + " FROM databases WHERE provider = $provider AND server = $server;", p =>
        {
            p.AddWithValue("$provider", provider);
            p.AddWithValue("$server", server);
        });

    public OwnedDatabase? Find(string provider, string server, string name) =>
        Query("SELECT " + Columns + " FROM databases WHERE provider = $provider AND server = $server AND name = $name;", p =>
        {
            p.AddWithValue("$provider", provider);
            p.AddWithValue("$server", server);
            p.AddWithValue("$name", name);
        }).SingleOrDefault();

    /// <summary>Records a database about to be made, before it exists, under its temporary name.</summary>
    public void Begin(OwnedDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Execute("""
            INSERT INTO databases (provider, server, name, kind, final_name, oid, worktree, slug, seed_hash, ready, created_at)
            VALUES ($provider, $server, $name, $kind, $final, $oid, $worktree, $slug, $seed, $ready, $created);
            """, p =>
        {
            Key(p, database.Provider, database.Server, database.Name);
            p.AddWithValue("$kind", OwnedKindNames.Of(database.Kind));
            p.AddWithValue("$final", database.FinalName);
            p.AddWithValue("$oid", (object?)database.Oid ?? DBNull.Value);
            p.AddWithValue("$worktree", (object?)database.Worktree ?? DBNull.Value);
            p.AddWithValue("$slug", (object?)database.Slug ?? DBNull.Value);
            p.AddWithValue("$seed", (object?)database.SeedHash ?? DBNull.Value);
            p.AddWithValue("$ready", database.Ready ? 1 : 0);
            p.AddWithValue("$created", database.CreatedAt.ToUnixTimeMilliseconds());
        });
    }

    public void SetOid(string provider, string server, string name, long oid) =>
        Execute("UPDATE databases SET oid = $oid WHERE provider = $provider AND server = $server AND name = $name;", p =>
        {
            Key(p, provider, server, name);
            p.AddWithValue("$oid", oid);
        });

    /// <summary>Marks a made database ready under its final name (after the rename).</summary>
    public void Complete(string provider, string server, string name) =>
        Execute("""
            DELETE FROM databases WHERE provider = $provider AND server = $server
                AND name = (SELECT final_name FROM databases WHERE provider = $provider AND server = $server AND name = $name);
            UPDATE databases SET name = final_name, ready = 1 WHERE provider = $provider AND server = $server AND name = $name;
            """, p => Key(p, provider, server, name));

    /// <summary>
    /// Gives the ready spare <paramref name="name"/> to a worktree: in one step it becomes a branch
    /// being made under its current name, to be renamed to <paramref name="final"/> (a crash before
    /// <see cref="Complete"/> is settled like any unfinished branch). False when it is no ready spare.
    /// </summary>
    /// <remarks>Its creation time becomes <paramref name="now"/>: a branch is made for its worktree when claimed (see <see cref="Orphans"/>).</remarks>
    public bool Claim(string provider, string server, string name, string final, string worktree, string slug, DateTimeOffset now) =>
        Execute("""
            UPDATE databases SET kind = 'branch', final_name = $final, worktree = $worktree, slug = $slug, seed_hash = NULL, ready = 0, created_at = $now
            WHERE provider = $provider AND server = $server AND name = $name AND kind = 'spare' AND ready = 1;
            """, p =>
        {
            Key(p, provider, server, name);
            p.AddWithValue("$final", final);
            p.AddWithValue("$worktree", worktree);
            p.AddWithValue("$slug", slug);
            p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        }) == 1;

    /// <summary>Gives an orphaned branch to a new worktree that asked to keep it: from now on it is that worktree's.</summary>
    public void Adopt(string provider, string server, string name, string worktree, DateTimeOffset now) =>
        Execute("UPDATE databases SET worktree = $worktree, created_at = $now WHERE provider = $provider AND server = $server AND name = $name;", p =>
        {
            Key(p, provider, server, name);
            p.AddWithValue("$worktree", worktree);
            p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        });

    public void Remove(string provider, string server, string name) =>
        Execute("DELETE FROM databases WHERE provider = $provider AND server = $server AND name = $name;", p => Key(p, provider, server, name));

    /// <summary>The port recorded for a server Grove manages; null before the first start.</summary>
    public int? ServerPort(string server) => _store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT port FROM database_servers WHERE server = $server;";
        command.Parameters.AddWithValue("$server", server);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? (int?)null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    });

    public void SetServerPort(string server, int port) =>
        Execute("INSERT INTO database_servers (server, port) VALUES ($server, $port) ON CONFLICT (server) DO UPDATE SET port = excluded.port;", p =>
        {
            p.AddWithValue("$server", server);
            p.AddWithValue("$port", port);
        });

    private static void Key(SqliteParameterCollection p, string provider, string server, string name)
    {
        p.AddWithValue("$provider", provider);
        p.AddWithValue("$server", server);
        p.AddWithValue("$name", name);
    }

    private int Execute(string sql, Action<SqliteParameterCollection> bind) => _store.Use(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command.Parameters);
        var changed = command.ExecuteNonQuery();
        transaction.Commit();
        return changed;
    });

    private List<OwnedDatabase> Query(string sql, Action<SqliteParameterCollection> bind) => _store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<OwnedDatabase>();
        while (reader.Read())
        {
            rows.Add(new OwnedDatabase(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                OwnedKindNames.Parse(reader.GetString(3)),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetInt64(9) != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }

        return rows;
    });
}
