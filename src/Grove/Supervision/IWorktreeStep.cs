using Grove.Hosting;
using Grove.Configuration;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// Work done for a worktree before its app starts (installing dependencies, branching its
/// database). A step that fails throws a <see cref="GroveException"/>: the app is then not
/// started and the worktree shows Failed with the message.
/// </summary>
internal interface IWorktreeStep
{
    /// <summary>The step's name in snapshots: <c>install</c> or <c>database</c>.</summary>
    string Name { get; }

    /// <summary>The state the worktree shows while the step runs.</summary>
    WorktreeState State { get; }

    /// <summary>The command that makes this step redo its work for real (<c>force</c>): a reinstall for dependencies, a reset for the database.</summary>
    WorktreeCommand ForcedBy { get; }

    /// <summary>False when the worktree's config leaves nothing for this step to do (it is then not run or shown).</summary>
    bool AppliesTo(GroveConfig config);

    /// <summary>Runs the step (<paramref name="force"/>: redo it even when up to date, asked by <see cref="ForcedBy"/>); returns environment variables for the app.</summary>
    Task<StepOutput> RunAsync(WorktreeSnapshot worktree, GroveConfig config, WorktreeLog log, bool force, CancellationToken cancellationToken);

    /// <summary>The database this step will give the worktree, before it ran (shown as pending); null for other steps.</summary>
    WorktreeDatabase? Plan(WorktreeSnapshot worktree, GroveConfig config) => null;

    /// <summary>A cheap digest of the step's inputs (lockfiles, seeds): when it changes while the app runs, the step is run again and the app restarted.</summary>
    Task<string> InputsAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// A digest of all the step's result depends on, taken before it runs. When the app starts
    /// again (a restart, a crash retry) with the key of the step's last success, and the step's
    /// result <see cref="IsInPlaceAsync">is still in place</see>, the step is not run again. Null:
    /// run it every time (the database step: cheap once made, and its connection is the app's).
    /// </summary>
    Task<string?> CompletionKeyAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Whether the files the step made are still there (an installed <c>node_modules</c>).</summary>
    Task<bool> IsInPlaceAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken) => Task.FromResult(true);
}

/// <summary>What a step gives the app: environment variables, and the database it made (the database step).</summary>
internal sealed record StepOutput(IReadOnlyList<KeyValuePair<string, string>> Environment, WorktreeDatabase? Database = null)
{
    public static readonly StepOutput None = new([]);
}
