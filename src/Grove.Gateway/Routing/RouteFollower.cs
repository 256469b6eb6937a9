using Grove.Hosting;

namespace Grove.Gateway.Routing;

/// <summary>Keeps a <see cref="RouteTable"/> on the host's newest snapshot, on its own subscription, until disposed.</summary>
internal sealed class RouteFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RouteFollower(IGroveHost host, RouteTable routes)
    {
        if (host.Current is { } current)
        {
            routes.Refresh(current); // the first table before the gateway answers anything
        }

        _loop = FollowAsync(host, routes, _stop.Token);
    }

    public static RouteFollower Start(IGroveHost host, RouteTable routes)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(routes);
        return new RouteFollower(host, routes);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task FollowAsync(IGroveHost host, RouteTable routes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in host.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                routes.Refresh(snapshot);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway stops.
        }
    }
}
