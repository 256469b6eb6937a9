using Grove.State;

namespace Grove.Worktrees;

/// <summary>A <c>grove new</c> in progress: its branch, its worktree's folder, and whether it created the branch.</summary>
internal sealed record Creation(string Branch, string Path, bool BranchCreated, DateTimeOffset StartedAt)
{
    /// <summary>The grove process that runs it (alive: it is still under way, not interrupted).</summary>
    public Processes.ProcessIdentity? Process { get; init; }
}

/// <summary>
/// The <c>grove new</c> runs in progress, recorded in the state store before <c>git worktree
/// add</c> and forgotten once the worktree and its database are made (or undone): what a run killed
/// half-way leaves is found by the next run of the same branch.
/// </summary>
internal sealed class CreationStore(StateStore store)
{
    public void Begin(Creation creation)
    {
        ArgumentNullException.ThrowIfNull(creation);
        store.Use(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO creations (branch, path, branch_created, started_at, pid, pid_start) VALUES ($branch, $path, $created, $at, $pid, $start);";
            command.Parameters.AddWithValue("$pid", (object?)creation.Process?.Pid ?? DBNull.Value);
            command.Parameters.AddWithValue("$start", (object?)creation.Process?.StartTicks ?? DBNull.Value);
            command.Parameters.AddWithValue("$branch", creation.Branch);
            command.Parameters.AddWithValue("$path", creation.Path);
            command.Parameters.AddWithValue("$created", creation.BranchCreated ? 1 : 0);
            command.Parameters.AddWithValue("$at", creation.StartedAt.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        });
    }

    public Creation? Find(string branch) => store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT branch, path, branch_created, started_at, pid, pid_start FROM creations WHERE branch = $branch;";
        command.Parameters.AddWithValue("$branch", branch);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Creation(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
            {
                Process = reader.IsDBNull(4) ? null : new Processes.ProcessIdentity(reader.GetInt32(4), reader.GetInt64(5)),
            }
            : null;
    });

    public void End(string branch) => store.Use(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM creations WHERE branch = $branch;";
        command.Parameters.AddWithValue("$branch", branch);
        return command.ExecuteNonQuery();
    });
}
