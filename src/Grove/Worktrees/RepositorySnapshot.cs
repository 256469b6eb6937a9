using System.Collections.Immutable;

namespace Grove.Worktrees;

/// <summary>All worktrees of a repository at one moment, primary first.</summary>
public sealed record RepositorySnapshot(string CommonGitDirectory, ImmutableArray<WorktreeSnapshot> Worktrees, DateTimeOffset TakenAt)
{
    public WorktreeSnapshot? Primary => Worktrees.FirstOrDefault(w => w.IsPrimary);

    /// <summary>
    /// Set when the repository's grove.json is broken: the snapshot was made with the last good
    /// config (a long-running process keeps working), and this says what to fix.
    /// </summary>
    public string? ConfigError { get; init; }

    /// <summary>Why pull request status is old or missing (rate limited until a time, no token, GitHub unreachable); null when all is well.</summary>
    public string? GitHubNotice { get; init; }

    /// <summary>Grows by one with every snapshot its publisher publishes (0: not published yet); never part of <see cref="SameContent"/>.</summary>
    public long Version { get; init; }

    /// <summary>Grove's own PostgreSQL server while it runs in this process; null otherwise.</summary>
    public DatabaseServerInfo? DatabaseServer { get; init; }

    /// <summary>
    /// The worktree whose slug, branch or folder is <paramref name="nameOrPath"/>; null when none.
    /// A name that fits two worktrees (one's slug, another's branch) is refused, never guessed.
    /// </summary>
    public WorktreeSnapshot? Find(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        var matches = Worktrees
            .Where(w => w.Slug == nameOrPath || w.Branch == nameOrPath || SamePath(w.Path, nameOrPath))
            .ToList();
        if (matches.Count > 1)
        {
            throw new GroveException(
                $"'{nameOrPath}' names {matches.Count} worktrees: {string.Join("; ", matches.Select(w => $"slug {w.Slug}, branch {w.Branch ?? "(detached)"}, at {w.Path}"))}",
                "name the one you mean by its folder path");
        }

        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Like <see cref="Find"/>, but null (never an error) when the name is ambiguous.</summary>
    public WorktreeSnapshot? TryFind(string nameOrPath)
    {
        try
        {
            return Find(nameOrPath);
        }
        catch (GroveException)
        {
            return null;
        }
    }

    /// <summary>True when both hold the same worktrees with the same values (and the same config error), whenever they were taken.</summary>
    public bool SameContent(RepositorySnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ConfigError == other.ConfigError && GitHubNotice == other.GitHubNotice && DatabaseServer == other.DatabaseServer && Worktrees.SequenceEqual(other.Worktrees);
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(a), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)), StringComparison.Ordinal);
}
