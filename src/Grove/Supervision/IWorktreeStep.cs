using Grove.Configuration;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// Work done for a worktree before its app starts (installing dependencies, branching its
/// database). A step that fails throws a <see cref="GroveException"/>: the app is then not
/// started and the worktree shows Failed with the message.
/// </summary>
public interface IWorktreeStep
{
    /// <summary>The state the worktree shows while the step runs.</summary>
    WorktreeState State { get; }

    /// <summary>Runs the step; returns environment variables for the app (empty for none).</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> RunAsync(WorktreeSnapshot worktree, GroveConfig config, WorktreeLog log, CancellationToken cancellationToken);
}
