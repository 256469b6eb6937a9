using Grove.Hosting;

namespace Grove.Gateway.Routing;

/// <summary>Keeps a <see cref="RouteTable"/> on the host's newest snapshot, on its own subscription, until disposed.</summary>
internal sealed class RouteFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RouteFollower(IGroveHost host, RouteTable routes, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (host.Current is { } current)
        {
            routes.Refresh(current); // the first table before the gateway answers anything
        }

        _loop = FollowAsync(host, routes, logger, _stop.Token);
    }

    public static RouteFollower Start(IGroveHost host, RouteTable routes, Microsoft.Extensions.Logging.ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(logger);
        return new RouteFollower(host, routes, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task FollowAsync(IGroveHost host, RouteTable routes, Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in host.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    routes.Refresh(snapshot);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    GatewayLog.RoutesFailed(logger, ex); // the next snapshot tries again
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway stops.
        }
    }
}
