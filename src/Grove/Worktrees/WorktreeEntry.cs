namespace Grove.Worktrees;

/// <summary>One record of <c>git worktree list --porcelain -z</c>, as git reported it.</summary>
internal sealed record WorktreeEntry(string Path)
{
    public string? Head { get; init; }

    /// <summary>The full ref, for example <c>refs/heads/feature/login</c>; null when detached or bare.</summary>
    public string? BranchRef { get; init; }

    public bool IsBare { get; init; }

    public bool IsDetached { get; init; }

    public bool IsLocked { get; init; }

    public string? LockReason { get; init; }

    public bool IsPrunable { get; init; }

    public string? PrunableReason { get; init; }

    /// <summary>The branch name without <c>refs/heads/</c>, for example <c>feature/login</c>.</summary>
    public string? Branch => BranchRef is null
        ? null
        : BranchRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? BranchRef["refs/heads/".Length..] : BranchRef;
}
