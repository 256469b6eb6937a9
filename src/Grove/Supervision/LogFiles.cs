using Grove.State;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>Where each worktree's log lives: <c>&lt;state folder&gt;/logs/&lt;slug&gt;.log</c>, never in a working tree.</summary>
internal static class LogFiles
{
    public static string PathFor(StateStore store, WorktreeSnapshot worktree)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        return PathFor(store, worktree.Slug);
    }

    public static string PathFor(StateStore store, string slug)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(slug);
        return Path.Combine(store.Folder, "logs", $"{slug}.log");
    }
}
