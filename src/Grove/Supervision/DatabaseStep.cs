using Grove.Hosting;
using Grove.Configuration;
using Grove.Databases;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// The database step before each app starts: the worktree's own branch of the template (made
/// once, then reused), whose connection goes into the app's environment. Replaced by a fresh
/// branch only on a reset (<c>grove db reset</c>, the agent API's reset-db); a reinstall leaves
/// the data alone. Afterwards the spares (PostgreSQL) are refilled in the background, off the
/// app's start.
/// </summary>
internal sealed class DatabaseStep(DatabaseManager databases) : IWorktreeStep
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan GroveNewPatience = TimeSpan.FromMinutes(5);
    private readonly DatabaseManager _databases = databases ?? throw new ArgumentNullException(nameof(databases));

    public string Name => "database";

    public WorktreeState State => WorktreeState.BranchingDatabase;

    public WorktreeCommand ForcedBy => WorktreeCommand.ResetDatabase;

    public bool AppliesTo(GroveConfig config) => config?.Database is not null;

    public async Task<StepOutput> RunAsync(WorktreeSnapshot worktree, GroveConfig config, WorktreeLog log, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(log);
        if (config.Database is null)
        {
            return StepOutput.None;
        }

        var progress = new LogProgress(log);
        await WaitForGroveNewAsync(worktree, log, cancellationToken).ConfigureAwait(false);
        var branch = force
            ? await _databases.ResetAsync(worktree, config.Database, progress, cancellationToken).ConfigureAwait(false)
            : await _databases.EnsureBranchAsync(worktree, config.Database, progress, cancellationToken).ConfigureAwait(false);
        log.Write("grove", $"database {branch.Name} ({branch.DisplayConnectionString})");
        _databases.KeepSparesFull(config.Database, message => log.Write("grove", message));
        return new StepOutput(branch.Environment, new WorktreeDatabase(branch.ProviderName, branch.Name, branch.DisplayConnectionString));
    }

    /// <summary>
    /// A worktree that a <c>grove new</c> in another process is still making gets its database from
    /// that run (which alone knows whether to keep an orphaned one, <c>--keep-db</c>): wait for it.
    /// </summary>
    private async Task WaitForGroveNewAsync(WorktreeSnapshot worktree, WorktreeLog log, CancellationToken cancellationToken)
    {
        if (worktree.Branch is not { } branch)
        {
            return;
        }

        var creations = new CreationStore(new State.StateStore(_databases.CommonGitDirectory));
        var said = false;
        for (var waited = TimeSpan.Zero; waited < GroveNewPatience; waited += PollInterval)
        {
            if (creations.Find(branch) is not { Process: { } maker } creation || maker == ProcessIdentity.Current || !maker.IsAlive()
                || !string.Equals(Path.TrimEndingDirectorySeparator(creation.Path), Path.TrimEndingDirectorySeparator(worktree.Path), StringComparison.Ordinal))
            {
                return;
            }

            if (!said)
            {
                log.Write("grove", $"'grove new {branch}' (process {maker.Pid}) is still making this worktree: waiting for it to make its database");
                said = true;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public WorktreeDatabase? Plan(WorktreeSnapshot worktree, GroveConfig config) =>
        config?.Database is { } database ? _databases.DescribeState(worktree, database) : null;

    /// <summary>Nothing here restarts an app: a changed seed rebuilds the template for branches made later.</summary>
    public Task<string> InputsAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken) => Task.FromResult(string.Empty);
}
