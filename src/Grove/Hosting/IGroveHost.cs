using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>
/// What a front end (the gateway and its agent API, <c>grove up</c>'s table, the Aspire
/// dashboard) reads and asks of the engine: versioned snapshots, worktree logs, commands.
/// <see cref="GroveHost"/> is the engine's; the gateway's tests feed their own.
/// </summary>
public interface IGroveHost
{
    /// <summary>The newest snapshot; null before the first one.</summary>
    RepositorySnapshot? Current { get; }

    /// <summary>
    /// The current snapshot, then every newer one, on this subscriber's own channel: a subscriber
    /// that reads slowly (or never) holds up nobody, loses only older snapshots it did not read,
    /// and always ends on the newest. Ends when the host stops.
    /// </summary>
    IAsyncEnumerable<RepositorySnapshot> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the current or a later snapshot satisfies <paramref name="condition"/>.</summary>
    Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default);

    /// <summary>The worktree's last <paramref name="history"/> log lines (earlier runs' included), then every new line, until cancelled.</summary>
    /// <param name="worktree">Its slug, branch or folder.</param>
    /// <param name="history">How many past lines first (at most <see cref="Processes.WorktreeLog.TailSize"/>).</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    IAsyncEnumerable<LogLine> WatchLogsAsync(string worktree, int history = 100, CancellationToken cancellationToken = default);

    /// <summary>The worktree's last <paramref name="tail"/> log lines, oldest first.</summary>
    IReadOnlyList<LogLine> ReadLog(string worktree, int tail);

    /// <summary>
    /// Runs a command on a worktree's app. With <paramref name="waitForEffect"/> it answers once
    /// the effect shows (the app running again, or stopped, or failed with the reason); without,
    /// once the command is accepted. A command that does not fit the worktree's state is refused.
    /// </summary>
    Task<CommandResult> ExecuteAsync(string worktree, WorktreeCommand command, bool waitForEffect = true, CancellationToken cancellationToken = default);

    /// <summary>A branch and a worktree for it (<c>grove new</c>); the front end that runs the apps starts its app.</summary>
    Task<CommandResult> CreateWorktreeAsync(CreateWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a worktree (<c>grove rm</c>): refused, nothing changed, when it holds work that would be lost.</summary>
    Task<CommandResult> RemoveWorktreeAsync(RemoveWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a worktree's database by a fresh branch of the template (its app stopped and started around it).</summary>
    Task<CommandResult> ResetDatabaseAsync(string worktree, IProgress<string>? progress = null, CancellationToken cancellationToken = default);
}
