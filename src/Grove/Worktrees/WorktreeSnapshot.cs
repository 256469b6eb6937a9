namespace Grove.Worktrees;

/// <summary>
/// Everything known about one worktree at one moment. Immutable: the engine publishes a new
/// snapshot rather than changing one, and every other layer only reads them.
/// </summary>
public sealed record WorktreeSnapshot
{
    public required string Slug { get; init; }

    /// <summary>The branch checked out, for example <c>feature/login</c>; null when detached.</summary>
    public required string? Branch { get; init; }

    public required string Path { get; init; }

    /// <summary>The commit checked out; null in a new repository with no commit yet.</summary>
    public required string? Head { get; init; }

    public required bool IsPrimary { get; init; }

    public required bool IsDetached { get; init; }

    public required int Port { get; init; }

    /// <summary>The app's own address, <c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public required string Url { get; init; }

    /// <summary>The address through the gateway, <c>http://&lt;slug&gt;.localhost:&lt;gateway-port&gt;</c>.</summary>
    public required string GatewayUrl { get; init; }

    public required WorktreeState State { get; init; }

    /// <summary>Why the app is in its state, for example the failing command or the exit code; null when all is well.</summary>
    public string? StateReason { get; init; }

    public required bool IsLocked { get; init; }

    public string? LockReason { get; init; }

    /// <summary>Git would prune it: its folder is gone. Grove reports it and never prunes it.</summary>
    public required bool IsPrunable { get; init; }

    public string? PrunableReason { get; init; }

    /// <summary>Its database as its app last got it; null when none is configured or it is not made yet.</summary>
    public WorktreeDatabase? Database { get; init; }

    /// <summary>The step before the app's start that runs now (install, database); null when none does.</summary>
    public WorktreeStep? Step { get; init; }

    /// <summary>When the app's current process was started; null when no process runs.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>
    /// What is wrong while the app runs and answers, naming the fix: it listens beyond loopback
    /// (reachable from the network; seen on Linux only). Null when nothing is.
    /// </summary>
    public string? Warning { get; init; }

    /// <summary>The GitHub issue it was made for (<c>grove new --issue</c>); null otherwise.</summary>
    public GitHub.WorktreeIssue? Issue { get; init; }

    /// <summary>The pull request whose head is its branch, as last polled; null when there is none (or GitHub is not in use).</summary>
    public GitHub.PullRequestStatus? PullRequest { get; init; }

    /// <summary>
    /// True once waiting for the app to become healthy is pointless or done: it runs, it failed,
    /// or it is stopped for a reason (on request, no app configured). Nothing changes by itself then.
    /// </summary>
    public bool IsSettled => State is WorktreeState.Running or WorktreeState.Failed || (State == WorktreeState.Stopped && StateReason is not null);
}
