using Aspire.Hosting.ApplicationModel;
using Grove.Hosting;
using Microsoft.Extensions.Logging;

namespace Grove.Dashboard;

/// <summary>
/// Copies one worktree's log stream (install output, app stdout and stderr, Grove's own lines)
/// to its resource's console log: the last lines first, then live, until stopped.
/// </summary>
internal sealed class WorktreeLogPump : IAsyncDisposable
{
    public const int History = 500;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public WorktreeLogPump(GroveHost host, string slug, ILogger resourceLogger, ILogger appHostLogger)
    {
        _pump = PumpAsync(host, slug, resourceLogger, appHostLogger, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The stream ignored its cancellation: leave it to end by itself.
        }

        _stop.Dispose();
    }

    private static async Task PumpAsync(GroveHost host, string slug, ILogger resourceLogger, ILogger appHostLogger, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var line in host.WatchLogsAsync(slug, History, cancellationToken).ConfigureAwait(false))
            {
                var level = line.Source == LogSource.Stderr ? LogLevel.Error : LogLevel.Information;
                Log.Line(resourceLogger, level, line.Source == LogSource.Grove ? $"[grove] {line.Text}" : line.Text);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is GroveException or IOException or InvalidOperationException)
        {
            Log.LogStreamFailed(appHostLogger, slug, e.Message);
        }
    }
}
