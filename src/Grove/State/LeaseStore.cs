using Microsoft.Data.Sqlite;

namespace Grove.State;

/// <summary>
/// Slug and port leases in the state store. Reads need no lock; a change re-reads and writes
/// inside one <c>BEGIN IMMEDIATE</c> transaction, so concurrent grove processes never hand out
/// the same port or slug (the table's UNIQUE constraints hold the line as well).
/// </summary>
internal sealed class LeaseStore(StateStore store)
{
    private readonly StateStore _store = store ?? throw new ArgumentNullException(nameof(store));

    public IReadOnlyList<Lease> ReadAll() => _store.Use(connection => Read(connection, null));

    /// <summary>
    /// Brings the leases in line with <paramref name="requests"/> (see <see cref="LeasePlanner"/>)
    /// and returns the lease of every request, keyed by path.
    /// </summary>
    public IReadOnlyDictionary<string, Lease> Assign(IReadOnlyList<LeaseRequest> requests, LeasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(policy);
        return _store.Use(connection =>
        {
            var held = Read(connection, null);
            var planned = LeasePlanner.Plan(held, requests, policy);
            if (!SameLeases(held, planned))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                held = Read(connection, transaction);
                planned = LeasePlanner.Plan(held, requests, policy);
                Write(connection, transaction, held, planned);
                transaction.Commit();
            }

            var wanted = requests.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
            return planned.Where(l => wanted.Contains(l.Path)).ToDictionary(l => l.Path, StringComparer.Ordinal);
        });
    }

    /// <summary>Gives up the lease of a folder; false when it held none.</summary>
    public bool Release(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return _store.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM leases WHERE path = $path;";
            command.Parameters.AddWithValue("$path", path);
            return command.ExecuteNonQuery() > 0;
        });
    }

    private static List<Lease> Read(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT path, name, slug, port, created_at FROM leases;";
        using var reader = command.ExecuteReader();
        var leases = new List<Lease>();
        while (reader.Read())
        {
            leases.Add(new Lease(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return leases;
    }

    private static void Write(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Lease> held, IReadOnlyList<Lease> planned)
    {
        var plannedSet = planned.ToHashSet();
        foreach (var gone in held.Where(l => !plannedSet.Contains(l)))
        {
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM leases WHERE path = $path;";
            delete.Parameters.AddWithValue("$path", gone.Path);
            delete.ExecuteNonQuery();
        }

        var heldSet = held.ToHashSet();
        foreach (var lease in planned.Where(l => !heldSet.Contains(l)))
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO leases (path, name, slug, port, created_at)
                VALUES ($path, $name, $slug, $port, $created);
                """;
            insert.Parameters.AddWithValue("$path", lease.Path);
            insert.Parameters.AddWithValue("$name", lease.Name);
            insert.Parameters.AddWithValue("$slug", lease.Slug);
            insert.Parameters.AddWithValue("$port", lease.Port);
            insert.Parameters.AddWithValue("$created", lease.CreatedAt.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
        }
    }

    private static bool SameLeases(List<Lease> held, IReadOnlyList<Lease> planned) =>
        held.Count == planned.Count && held.ToHashSet().SetEquals(planned);
}
