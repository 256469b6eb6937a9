namespace Grove.Worktrees;

/// <summary>The work a worktree is busy with before its app starts, and since when.</summary>
/// <param name="Name"><c>install</c> or <c>database</c>.</param>
public sealed record WorktreeStep(string Name, DateTimeOffset StartedAt);
