using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>A worktree app's state as its runner last saw it.</summary>
internal sealed record AppStatus(WorktreeState State, string? Reason, ProcessIdentity? Process)
{
    /// <summary>The step before the start that runs now.</summary>
    public WorktreeStep? Step { get; init; }

    /// <summary>When the app's current process was started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The database the app was last given.</summary>
    public WorktreeDatabase? Database { get; init; }

    /// <summary>What is wrong while the app runs, though it answers (it listens beyond loopback); null when nothing is.</summary>
    public string? Warning { get; init; }
}
