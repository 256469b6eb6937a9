using System.Collections.Immutable;

namespace Grove.Worktrees;

/// <summary>All worktrees of a repository at one moment, primary first.</summary>
public sealed record RepositorySnapshot(string CommonGitDirectory, ImmutableArray<WorktreeSnapshot> Worktrees, DateTimeOffset TakenAt)
{
    public WorktreeSnapshot? Primary => Worktrees.FirstOrDefault(w => w.IsPrimary);

    /// <summary>The worktree whose slug, branch or folder is <paramref name="nameOrPath"/>.</summary>
    public WorktreeSnapshot? Find(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        return Worktrees.FirstOrDefault(w => w.Slug == nameOrPath)
            ?? Worktrees.FirstOrDefault(w => w.Branch == nameOrPath)
            ?? Worktrees.FirstOrDefault(w => SamePath(w.Path, nameOrPath));
    }

    /// <summary>True when both hold the same worktrees with the same values, whenever they were taken.</summary>
    public bool SameWorktrees(RepositorySnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Worktrees.SequenceEqual(other.Worktrees);
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(a), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)), StringComparison.Ordinal);
}
