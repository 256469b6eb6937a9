using Grove.Processes;
using Grove.State;

namespace Grove.Worktrees;

/// <summary>A <c>grove new</c> in progress: its branch, its worktree's folder, and whether it created the branch.</summary>
internal sealed record Creation(string Branch, string Path, bool BranchCreated, DateTimeOffset StartedAt)
{
    /// <summary>The grove process that runs it (alive: it is still under way, not interrupted); null once its run gave it up.</summary>
    public ProcessIdentity? Process { get; init; }

    /// <summary>The commit the branch pointed at when its worktree was made; null before (undo never deletes a branch without it).</summary>
    public string? Head { get; init; }
}

/// <summary>
/// The <c>grove new</c> runs in progress, recorded in the state store before <c>git worktree
/// add</c> and forgotten once the worktree and its database are made (or undone): what a run killed
/// half-way leaves is found by the next run of the same branch. One run per branch at a time.
/// </summary>
internal sealed class CreationStore(StateStore store)
{
    /// <summary>
    /// Records <paramref name="creation"/> as this process's; refused (an error naming the other
    /// process) while another live grove process has one for the branch. A dead one's is replaced.
    /// </summary>
    public void Begin(Creation creation)
    {
        ArgumentNullException.ThrowIfNull(creation);
        store.Use(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            if (Read(connection, transaction, creation.Branch) is { Process: { } other } && other != ProcessIdentity.Current && other.IsAlive())
            {
                throw new GroveException(
                    $"another 'grove new {creation.Branch}' (process {other.Pid}) is making this worktree right now",
                    "wait for it to finish, then use its worktree ('grove ls')");
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR REPLACE INTO creations (branch, path, branch_created, started_at, pid, pid_start, head) VALUES ($branch, $path, $created, $at, $pid, $start, NULL);";
            command.Parameters.AddWithValue("$branch", creation.Branch);
            command.Parameters.AddWithValue("$path", creation.Path);
            command.Parameters.AddWithValue("$created", creation.BranchCreated ? 1 : 0);
            command.Parameters.AddWithValue("$at", creation.StartedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$pid", (object?)creation.Process?.Pid ?? DBNull.Value);
            command.Parameters.AddWithValue("$start", (object?)creation.Process?.StartTicks ?? DBNull.Value);
            command.ExecuteNonQuery();
            transaction.Commit();
            return 0;
        });
    }

    /// <summary>Notes the commit the new worktree's branch points at, once git made it.</summary>
    public void SetHead(string branch, string head) => Execute("UPDATE creations SET head = $head WHERE branch = $branch;", ("$branch", branch), ("$head", head));

    public Creation? Find(string branch) => store.Use(connection => Read(connection, null, branch));

    /// <summary>Forgets the branch's record.</summary>
    public void End(string branch) => Execute("DELETE FROM creations WHERE branch = $branch;", ("$branch", branch));

    /// <summary>Forgets the branch's record if this process wrote it (another run's is left alone).</summary>
    public void EndMine(string branch) => Execute(
        "DELETE FROM creations WHERE branch = $branch AND pid = $pid AND pid_start = $start;",
        ("$branch", branch), ("$pid", ProcessIdentity.Current.Pid), ("$start", ProcessIdentity.Current.StartTicks));

    /// <summary>Leaves this process's record to be resumed by a later run (the run was cancelled, or failed unexpectedly).</summary>
    public void GiveUp(string branch) => Execute(
        "UPDATE creations SET pid = NULL, pid_start = NULL WHERE branch = $branch AND pid = $pid AND pid_start = $start;",
        ("$branch", branch), ("$pid", ProcessIdentity.Current.Pid), ("$start", ProcessIdentity.Current.StartTicks));

    private static Creation? Read(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction? transaction, string branch)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT branch, path, branch_created, started_at, pid, pid_start, head FROM creations WHERE branch = $branch;";
        command.Parameters.AddWithValue("$branch", branch);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Creation(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            {
                Process = reader.IsDBNull(4) ? null : new ProcessIdentity(reader.GetInt32(4), reader.GetInt64(5)),
                Head = reader.IsDBNull(6) ? null : reader.GetString(6),
            }
            : null;
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters) => store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    });
}
