using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>A worktree app's state as its runner last saw it.</summary>
public sealed record AppStatus(WorktreeState State, string? Reason, ProcessIdentity? Process);
