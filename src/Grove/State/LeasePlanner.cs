using Grove.Ports;
using Grove.Slugs;

namespace Grove.State;

/// <summary>
/// Decides the leases of a set of worktrees from the leases already held. Pure: the caller reads
/// and writes the store inside one transaction.
/// </summary>
/// <remarks>
/// A worktree keeps its lease while its name (branch) stays the same. A worktree moved to another
/// folder takes over the lease of the missing folder with the same name. A lease whose folder git
/// no longer lists is released once it is older than the grace period, so a lease taken a moment
/// before <c>git worktree add</c> finishes is never lost to a concurrent listing.
/// </remarks>
internal static class LeasePlanner
{
    public static IReadOnlyList<Lease> Plan(
        IReadOnlyCollection<Lease> held,
        IReadOnlyList<LeaseRequest> requests,
        LeasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(policy);

        var listed = requests.ToDictionary(r => r.Path, StringComparer.Ordinal);
        var kept = new Dictionary<string, Lease>(StringComparer.Ordinal);
        var orphans = new List<Lease>();
        var replaced = new Dictionary<string, Lease>(StringComparer.Ordinal);
        foreach (var lease in held)
        {
            if (!listed.TryGetValue(lease.Path, out var request))
            {
                orphans.Add(lease);
            }
            else if (request.Name == lease.Name && policy.Range.Contains(lease.Port))
            {
                kept[lease.Path] = lease;
            }
            else
            {
                replaced[lease.Path] = lease;
            }
        }

        var pending = new List<LeaseRequest>();
        foreach (var request in requests.OrderByDescending(r => r.IsPrimary).ThenBy(r => r.Path, StringComparer.Ordinal))
        {
            if (kept.ContainsKey(request.Path))
            {
                continue;
            }

            var moved = policy.FullListing ? orphans.FirstOrDefault(l => l.Name == request.Name) : null;
            if (moved is not null)
            {
                orphans.Remove(moved);
                kept[request.Path] = moved with { Path = request.Path };
            }
            else
            {
                pending.Add(request);
            }
        }

        foreach (var orphan in orphans)
        {
            if (!policy.FullListing || orphan.CreatedAt > policy.Now - policy.Grace)
            {
                kept[orphan.Path] = orphan;
            }
        }

        foreach (var request in pending)
        {
            // A worktree that switched branch may keep its old port when it comes up again in
            // the probe, even though its own app still listens there.
            var ownPort = replaced.TryGetValue(request.Path, out var old) ? old.Port : (int?)null;
            kept[request.Path] = Allocate(request, kept.Values, policy, ownPort);
        }

        return [.. kept.Values];
    }

    private static Lease Allocate(LeaseRequest request, IEnumerable<Lease> taken, LeasePolicy policy, int? ownPort)
    {
        var slugs = taken.Select(l => l.Slug).ToHashSet(StringComparer.Ordinal);
        var ports = taken.Select(l => l.Port).ToHashSet();
        var slug = ChooseSlug(request, slugs);
        foreach (var port in PortFormula.ProbeOrder(request.Name, request.IsPrimary, policy.Range))
        {
            if (!ports.Contains(port) && (port == ownPort || policy.IsPortFree(port)))
            {
                return new Lease(request.Path, request.Name, slug, port, DateTimeOffset.FromUnixTimeMilliseconds(policy.Now.ToUnixTimeMilliseconds()));
            }
        }

        throw new GroveException(
            $"no free port left in {policy.Range.Base}-{policy.Range.Last} for worktree '{request.Path}'",
            "widen ports.range (or move ports.base) in grove.json, or remove worktrees you no longer need with 'grove rm'");
    }

    private static string ChooseSlug(LeaseRequest request, HashSet<string> taken)
    {
        var readable = Slug.From(request.Name);
        if (!taken.Contains(readable))
        {
            return readable;
        }

        // Same readable slug as another worktree: a stable hash of the name separates them; the
        // path joins in only when the name itself repeats (two detached worktrees, same folder name).
        var candidate = Slug.WithSuffix(readable, request.Name);
        for (var attempt = 0; taken.Contains(candidate); attempt++)
        {
            candidate = Slug.WithSuffix(readable, $"{request.Name}\n{request.Path}", attempt);
        }

        return candidate;
    }
}

/// <summary>The rules a lease plan follows.</summary>
internal sealed record LeasePolicy(PortRange Range, DateTimeOffset Now, Func<int, bool> IsPortFree)
{
    /// <summary>How long a lease whose folder git does not list is kept; see <see cref="LeasePlanner"/>.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// True when the requests are git's whole listing, so a lease of an unlisted folder is an
    /// orphan that a moved worktree may take over or that expires; false while reserving a lease
    /// for a worktree git does not know yet, which leaves every other lease alone.
    /// </summary>
    public bool FullListing { get; init; } = true;
}
