using Grove.Worktrees;

namespace Grove.Databases;

/// <summary>
/// Which of Grove's branch databases are orphaned: made for a worktree that is gone (removed
/// outside Grove, or by a removal that failed). Either the worktree that has its slug now was made
/// after the database (a new worktree of the same branch), or no worktree has its slug and the
/// worktree it was made for is gone too (a worktree that only switched to another branch keeps the
/// databases of its branches). An orphan is never handed to a new worktree as if it were fresh.
/// </summary>
internal static class Orphans
{
    /// <summary>Whether <paramref name="database"/> is a branch whose worktree is gone.</summary>
    public static bool IsOrphaned(OwnedDatabase database, IEnumerable<WorktreeSnapshot> worktrees)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(worktrees);
        if (database is not { Kind: OwnedKind.Branch, Ready: true, Slug: { } slug })
        {
            return false;
        }

        var listed = worktrees.ToList();
        if (listed.FirstOrDefault(w => string.Equals(w.Slug, slug, StringComparison.Ordinal)) is { } owner)
        {
            return MadeBefore(database, owner.Path);
        }

        var madeFor = database.Worktree is null ? null
            : listed.FirstOrDefault(w => string.Equals(Path.TrimEndingDirectorySeparator(w.Path), Path.TrimEndingDirectorySeparator(database.Worktree), StringComparison.Ordinal));
        return madeFor is null || MadeBefore(database, madeFor.Path);
    }

    /// <summary>Whether <paramref name="database"/> was made before the worktree at <paramref name="worktree"/> existed (so it is an earlier worktree's).</summary>
    public static bool MadeBefore(OwnedDatabase database, string worktree)
    {
        ArgumentNullException.ThrowIfNull(database);
        return BornAt(worktree) is { } born && database.CreatedAt < born;
    }

    /// <summary>
    /// When git made the linked worktree at <paramref name="worktree"/>: its admin folder's
    /// <c>commondir</c>, written once by <c>git worktree add</c> (a move keeps it). Null for the
    /// primary worktree and when it cannot be read.
    /// </summary>
    private static DateTimeOffset? BornAt(string worktree)
    {
        try
        {
            var dotGit = Path.Combine(worktree, ".git");
            if (!File.Exists(dotGit))
            {
                return null; // the primary (a folder), or gone
            }

            var line = File.ReadLines(dotGit).FirstOrDefault(l => l.StartsWith("gitdir:", StringComparison.Ordinal));
            if (line is null)
            {
                return null;
            }

            var admin = Path.GetFullPath(line["gitdir:".Length..].Trim(), worktree);
            var commondir = new FileInfo(Path.Combine(admin, "commondir"));
            return commondir.Exists ? new DateTimeOffset(commondir.LastWriteTimeUtc, TimeSpan.Zero) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
