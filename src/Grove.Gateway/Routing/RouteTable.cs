using Grove.Worktrees;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Grove.Gateway.Routing;

/// <summary>
/// Turns a snapshot into YARP routes (host <c>&lt;slug&gt;.localhost</c> → that worktree's port)
/// and swaps them in whole: a request is matched against one table or the other, never a mix,
/// and requests in flight finish on the table they started with.
/// </summary>
internal sealed class RouteTable(InMemoryConfigProvider provider, TimeSpan backendTimeout)
{
    private readonly Lock _gate = new();
    private Dictionary<string, int> _current = [];

    public void Apply(RepositorySnapshot snapshot)
    {
        var wanted = snapshot.Worktrees.Where(w => !w.IsPrunable).ToDictionary(w => w.Slug, w => w.Port, StringComparer.Ordinal);
        lock (_gate)
        {
            if (wanted.Count == _current.Count && wanted.All(p => _current.TryGetValue(p.Key, out var port) && port == p.Value))
            {
                return;
            }

            var routes = wanted.Keys.Select(slug => new RouteConfig
            {
                RouteId = slug,
                ClusterId = slug,
                Match = new RouteMatch { Hosts = [$"{slug}.localhost"], Path = "/{**rest}" },
            }).ToList();
            var clusters = wanted.Select(p => new ClusterConfig
            {
                ClusterId = p.Key,
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
                {
                    ["app"] = new() { Address = $"http://127.0.0.1:{p.Value}" },
                },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = backendTimeout },
            }).ToList();
            provider.Update(routes, clusters);
            _current = wanted;
        }
    }
}
