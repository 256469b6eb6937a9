using Grove.Worktrees;

namespace Grove.GitHub;

/// <summary>What <see cref="Hosting.GroveHost.PruneMergedAsync"/> removed (or, in a dry run, would remove) and what it left, with why.</summary>
/// <param name="DryRun">Nothing was removed: <paramref name="Removed"/> lists what would be.</param>
/// <param name="Removed">The worktrees whose pull request is merged or closed, removed with their databases and leases.</param>
/// <param name="Skipped">The ones kept, each with the reason (uncommitted work, locked, primary, refused).</param>
public sealed record PruneResult(bool DryRun, IReadOnlyList<WorktreeSnapshot> Removed, IReadOnlyList<PruneSkip> Skipped)
{
    /// <summary>Why the pull request status may be old (see <see cref="RepositorySnapshot.GitHubNotice"/>); null when it is current.</summary>
    public string? Notice { get; init; }

    /// <summary>One line: what was (or would be) removed and what was kept.</summary>
    public string Summary =>
        $"{(DryRun ? "would remove" : "removed")} {(Removed.Count == 0 ? "no worktree" : string.Join(", ", Removed.Select(w => w.Slug)))}"
        + (Skipped.Count == 0 ? string.Empty : $"; kept {string.Join("; ", Skipped.Select(s => $"{s.Worktree.Slug} ({s.Reason})"))}");
}

/// <summary>A worktree <c>grove prune --merged</c> kept, and why.</summary>
public sealed record PruneSkip(WorktreeSnapshot Worktree, string Reason);
