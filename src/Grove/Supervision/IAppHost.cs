using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// What the layers above the engine (gateway, agent API, dashboard) may use of a running
/// supervisor: read snapshots, wait for one, send commands, find logs.
/// </summary>
public interface IAppHost
{
    RepositorySnapshot? Current { get; }

    event EventHandler<RepositorySnapshot>? Changed;

    Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default);

    /// <summary>Runs a command on the worktree named by slug, branch or path; returns what was done.</summary>
    string Execute(string target, RunnerCommand command);

    string LogPath(WorktreeSnapshot worktree);
}
