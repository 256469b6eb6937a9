using Grove.Worktrees;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One git worktree and its app, shown in the dashboard with its state, URLs, logs and commands.
/// Created at run time from Grove's snapshots (never added to the model); a worktree removed and
/// later re-created under the same slug gets the same instance back, and so the same row.
/// </summary>
public sealed class WorktreeResource : Resource
{
    private WorktreeSnapshot? _latest;

    internal WorktreeResource(string name, GroveRepositoryResource repository)
        : base(name)
    {
        Repository = repository;
    }

    public GroveRepositoryResource Repository { get; }

    /// <summary>The worktree's slug, for Grove's commands (the resource name differs only when it clashes with another resource).</summary>
    public string Slug => Latest?.Slug ?? Name;

    /// <summary>The snapshot last published; null before the first and after the worktree was removed.</summary>
    public WorktreeSnapshot? Latest
    {
        get => Volatile.Read(ref _latest);
        internal set => Volatile.Write(ref _latest, value);
    }
}
