using Grove.Processes;
using Grove.State;
using Grove.Worktrees;
using Microsoft.Data.Sqlite;

namespace Grove.Supervision;

/// <summary>What a running <c>grove up</c> last reported about one worktree's app: all its snapshot shows of the app.</summary>
internal sealed record RunRecord(string Path, string Slug, WorktreeState State, string? Reason, ProcessIdentity? Process, DateTimeOffset UpdatedAt)
{
    public WorktreeStep? Step { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public WorktreeDatabase? Database { get; init; }

    public string? Warning { get; init; }
}

/// <summary>The parts of a run record kept as one JSON column.</summary>
internal sealed record RunDetails(WorktreeStep? Step, DateTimeOffset? StartedAt, WorktreeDatabase? Database, string? Warning = null);

/// <summary>The running <c>grove up</c>: its process, and the gateway port where its agent API answers.</summary>
internal sealed record SupervisorRecord(ProcessIdentity Process, int? GatewayPort, string FrontEnd = SupervisorRecord.DefaultFrontEnd)
{
    public const string DefaultFrontEnd = "grove up";
}

/// <summary>
/// The part of the state store that lets separate grove processes find a running
/// <c>grove up</c>: who supervises (process id and start time, gateway port), and each app's state
/// and process. Other grove processes steer it through its agent API.
/// </summary>
internal sealed class RunStore(StateStore store)
{
    private readonly StateStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>
    /// Records <paramref name="me"/> as the supervisor; refuses while another live one holds it.
    /// Returns what a dead predecessor recorded (its apps may still run: orphans to stop) and
    /// clears it, so no one mistakes those states for current ones.
    /// </summary>
    public IReadOnlyList<RunRecord> ClaimSupervisor(ProcessIdentity me, int? gatewayPort, DateTimeOffset now, string frontEnd = SupervisorRecord.DefaultFrontEnd)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(frontEnd);
        ArgumentNullException.ThrowIfNull(me);
        var left = ReadAll();
        return _store.Use(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var holder = ReadSupervisor(connection, transaction);
            if (holder is not null && holder.Process != me && holder.Process.IsAlive())
            {
                throw AlreadyRunning(holder);
            }

            Execute(connection, transaction, """
                INSERT OR REPLACE INTO supervisor (id, pid, pid_start, started_at, gateway_port, front_end) VALUES (1, $pid, $start, $now, $gateway, $front);
                DELETE FROM runs;
                """,
                ("$pid", me.Pid), ("$start", me.StartTicks), ("$now", now.ToUnixTimeMilliseconds()), ("$gateway", gatewayPort), ("$front", frontEnd));
            transaction.Commit();
            return left;
        });
    }

    /// <summary>The error for a second <c>grove up</c> or AppHost while <paramref name="holder"/> runs.</summary>
    public static GroveException AlreadyRunning(SupervisorRecord holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new GroveException(
            $"{(holder.FrontEnd == SupervisorRecord.DefaultFrontEnd ? "'grove up'" : $"an {holder.FrontEnd}")} already runs this repository's apps (process {holder.Process.Pid}); one at a time runs them",
            $"use that one ('grove ls', 'grove wait <worktree>'{(holder.GatewayPort is { } port ? $", http://localhost:{port}/" : string.Empty)}), or stop it before starting another");
    }

    /// <summary>Gives up the supervisor role and forgets every app's state.</summary>
    public void ReleaseSupervisor(ProcessIdentity me)
    {
        ArgumentNullException.ThrowIfNull(me);
        _store.Use(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            if (ReadSupervisor(connection, transaction)?.Process == me)
            {
                Execute(connection, transaction, "DELETE FROM supervisor; DELETE FROM runs;");
            }

            transaction.Commit();
            return 0;
        });
    }

    /// <summary>The live supervisor, or null when no <c>grove up</c> runs.</summary>
    public SupervisorRecord? LiveSupervisor() => _store.Use(connection =>
    {
        var holder = ReadSupervisor(connection, null);
        return holder is not null && holder.Process.IsAlive() ? holder : null;
    });

    public void Save(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _store.Use(connection =>
        {
            Execute(connection, null, """
                INSERT OR REPLACE INTO runs (path, slug, state, reason, pid, pid_start, updated_at, details)
                VALUES ($path, $slug, $state, $reason, $pid, $start, $now, $details);
                """,
                ("$path", record.Path), ("$slug", record.Slug), ("$state", record.State.ToString()), ("$reason", record.Reason),
                ("$pid", record.Process?.Pid), ("$start", record.Process?.StartTicks), ("$now", record.UpdatedAt.ToUnixTimeMilliseconds()),
                ("$details", System.Text.Json.JsonSerializer.Serialize(new RunDetails(record.Step, record.StartedAt, record.Database, record.Warning), RunJson.Default.RunDetails)));
            return 0;
        });
    }

    public void Forget(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _store.Use(connection => Execute(connection, null, "DELETE FROM runs WHERE path = $path;", ("$path", path)));
    }

    public IReadOnlyList<RunRecord> ReadAll() => _store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, slug, state, reason, pid, pid_start, updated_at, details FROM runs;";
        using var reader = command.ExecuteReader();
        var records = new List<RunRecord>();
        while (reader.Read())
        {
            var process = reader.IsDBNull(4) ? null : new ProcessIdentity(reader.GetInt32(4), reader.GetInt64(5));
            var state = Enum.TryParse<WorktreeState>(reader.GetString(2), out var parsed) ? parsed : WorktreeState.Stopped;
            var details = reader.IsDBNull(7) ? null : System.Text.Json.JsonSerializer.Deserialize(reader.GetString(7), RunJson.Default.RunDetails);
            records.Add(new RunRecord(reader.GetString(0), reader.GetString(1), state, reader.IsDBNull(3) ? null : reader.GetString(3), process,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)))
            {
                Step = details?.Step,
                StartedAt = details?.StartedAt,
                Database = details?.Database,
                Warning = details?.Warning,
            });
        }

        return (IReadOnlyList<RunRecord>)records;
    });

    private static SupervisorRecord? ReadSupervisor(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pid, pid_start, gateway_port, front_end FROM supervisor WHERE id = 1;";
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new SupervisorRecord(new ProcessIdentity(reader.GetInt32(0), reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.IsDBNull(3) ? SupervisorRecord.DefaultFrontEnd : reader.GetString(3))
            : null;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(RunDetails))]
internal sealed partial class RunJson : System.Text.Json.Serialization.JsonSerializerContext;
