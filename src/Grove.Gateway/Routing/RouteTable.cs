using System.Collections.Frozen;
using Grove.Worktrees;

namespace Grove.Gateway.Routing;

/// <summary>
/// Slug → worktree, rebuilt from every snapshot and swapped whole: a request looks its worktree up
/// once, in one table or the other, never a mix, and a request in flight keeps the destination it
/// started with. Prunable worktrees (folder gone) get no route.
/// </summary>
internal sealed class RouteTable
{
    private FrozenDictionary<string, Route> _routes = FrozenDictionary<string, Route>.Empty;

    public void Apply(RepositorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var worktree in snapshot.Worktrees.Where(w => !w.IsPrunable))
        {
            routes.TryAdd(worktree.Slug, new Route(worktree, $"http://127.0.0.1:{worktree.Port}")); // slugs are unique within a snapshot
        }

        Volatile.Write(ref _routes, routes.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public Route? Find(string slug) => Volatile.Read(ref _routes).GetValueOrDefault(slug);
}

/// <summary>A worktree as the gateway saw it, and where its app listens (the forwarder's destination prefix).</summary>
internal sealed record Route(WorktreeSnapshot Worktree, string Destination);
