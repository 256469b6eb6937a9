using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace Grove.Dashboard;

/// <summary>
/// The repositories run in this AppHost: each started once the AppHost's resources exist, all
/// stopped (every app with them) when the AppHost stops or is disposed.
/// </summary>
internal sealed class GroveRuntimes(IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private readonly List<RepositoryRuntime> _running = [];
    private readonly RowNames _names = new();

    public void Start(GroveRepositoryResource repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var runtime = new RepositoryRuntime(repository, services, _names);
        lock (_running)
        {
            _running.Add(runtime);
        }

        runtime.Start();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        List<RepositoryRuntime> running;
        lock (_running)
        {
            running = [.. _running];
            _running.Clear();
        }

        await Task.WhenAll(running.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
