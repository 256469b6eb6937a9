using Grove.State;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// Where each worktree's log lives: <c>&lt;state folder&gt;/logs/&lt;slug&gt;.log</c>, never in a working tree.
/// Beside it, <c>&lt;slug&gt;.owner</c> names the worktree folder the log was written for: a slug
/// is reused by a later worktree of the same branch, and that one must not be shown the lines of
/// one removed (outside Grove, or while no <c>grove up</c> ran).
/// </summary>
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

    /// <summary>The file that records which worktree folder a slug's log belongs to.</summary>
    public static string OwnerPathFor(StateStore store, string slug) => Path.ChangeExtension(PathFor(store, slug), ".owner");

    /// <summary>The worktree folder the slug's log was written for; null when not recorded (a log from before owners were kept).</summary>
    public static string? OwnerOf(StateStore store, string slug)
    {
        var file = OwnerPathFor(store, slug);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>Whether the slug's log was written for another worktree folder than <paramref name="worktreePath"/>.</summary>
    public static bool BelongsToAnother(StateStore store, string slug, string worktreePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        return OwnerOf(store, slug) is { } owner && !string.Equals(owner, worktreePath, StringComparison.Ordinal);
    }

    /// <summary>The worktree's log file when it has one of its own (null when absent or another worktree's).</summary>
    public static string? ExistingFor(StateStore store, WorktreeSnapshot worktree)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        var path = PathFor(store, worktree.Slug);
        return File.Exists(path) && !BelongsToAnother(store, worktree.Slug, worktree.Path) ? path : null;
    }

    /// <summary>Records <paramref name="worktreePath"/> as the owner of the slug's log (owner-only file).</summary>
    public static void RecordOwner(StateStore store, string slug, string worktreePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        var file = OwnerPathFor(store, slug);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var stream = new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(worktreePath);
    }

    /// <summary>Deletes the slug's log, its older part and its owner record (no error when absent).</summary>
    public static void Delete(StateStore store, string slug)
    {
        var path = PathFor(store, slug);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
            File.Delete(path + ".1");
            File.Delete(OwnerPathFor(store, slug));
        }
    }
}
