using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Grove.Gateway;
using Grove.Hosting;
using Grove.Worktrees;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grove.Dashboard;

/// <summary>
/// One repository run by Grove inside the AppHost: Grove's host and gateway (assembled as
/// <c>grove up</c> does, through <see cref="GroveHost"/>), and the dashboard rows that follow its
/// snapshots. Started once the AppHost's resources exist; disposed when the AppHost stops, which
/// stops every app.
/// </summary>
internal sealed class RepositoryRuntime : IAsyncDisposable
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);
    private readonly GroveRepositoryResource _repository;
    private readonly IServiceProvider _services;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly ILogger _logger;
    private readonly ILogger _console;
    private readonly CancellationTokenSource _stop = new();
    private readonly DatabaseServerRow _databaseServer;
    private Task _run = Task.CompletedTask;
    private GroveHost? _host;
    private GatewayServer? _gateway;
    private WorktreeRows? _rows;

    private readonly RowNames _names;

    public RepositoryRuntime(GroveRepositoryResource repository, IServiceProvider services, RowNames names)
    {
        _names = names;
        _repository = repository;
        _services = services;
        _notifications = services.GetRequiredService<ResourceNotificationService>();
        _logs = services.GetRequiredService<ResourceLoggerService>();
        _logger = _logs.GetLogger(repository);
        _console = services.GetRequiredService<ILoggerFactory>().CreateLogger("Grove.Hosting");
        _databaseServer = new DatabaseServerRow($"{repository.Name}-postgres", repository.Name, _notifications);
    }

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(StopLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.SlowStop(_console, _repository.RepositoryPath, StopLimit);
        }

        if (_rows is not null)
        {
            await _rows.DisposeAsync().ConfigureAwait(false);
        }

        // The gateway first, then the host (which stops every app), as grove up does.
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        await PublishRepositoryAsync(new(KnownResourceStates.Finished, KnownResourceStateStyles.Info)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishRepositoryAsync(new(KnownResourceStates.Starting, KnownResourceStateStyles.Info)).ConfigureAwait(false);
            var model = _services.GetRequiredService<DistributedApplicationModel>();
            var telemetry = new AppTelemetry(model, _services.GetRequiredService<IConfiguration>());
            var reserved = new HashSet<string>(model.Resources.Select(r => r.Name), StringComparer.OrdinalIgnoreCase) { _databaseServer.Name };

            _host = await GroveHost.OpenAsync(new GroveHostOptions
            {
                RepositoryPath = _repository.RepositoryPath,
                FrontEnd = "AppHost",
                AppEnvironment = w => telemetry.For(_rows?.NameFor(w.Slug) ?? w.Slug),
                DatabaseConnectionString = await DatabaseConnectionStringAsync(cancellationToken).ConfigureAwait(false),
                LoggerFactory = _services.GetRequiredService<ILoggerFactory>(),
                Time = TimeProvider.System,
            }, cancellationToken).ConfigureAwait(false);
            _rows = new WorktreeRows(_repository, _host, _notifications, _logs, _console, reserved, _names);
            var root = _host.Location.CurrentWorktree ?? _host.Location.CommonGitDirectory; // the repository, not the folder it was named by
            await _notifications.PublishUpdateAsync(_repository, s => s with
            {
                Properties = s.Properties.RemoveAll(p => p.Name == CustomResourceKnownProperties.Source).Add(new(CustomResourceKnownProperties.Source, root)),
            }).ConfigureAwait(false);

            // The gateway first, as grove up does: a taken gateway port fails before any app starts;
            // but not when another AppHost or grove up runs the repository (its gateway holds the port).
            _host.ThrowIfAnotherRuns();
            var config = await _host.RepositoryConfigAsync(cancellationToken).ConfigureAwait(false);
            var gatewayOptions = new GatewayOptions { Port = _repository.GatewayPort ?? config.GatewayPort, ExtraHostNames = config.GatewayHosts };
            _gateway = await GatewayServer.StartAsync(_host, gatewayOptions, cancellationToken).ConfigureAwait(false);
            await PublishGatewayAsync(_gateway.Url).ConfigureAwait(false);
            var started = await _host.StartAsync(_gateway.Port, cancellationToken).ConfigureAwait(false);
            Log.Started(_logger, started.Worktrees.Length, root, _gateway.Url);
            Log.Started(_console, started.Worktrees.Length, root, _gateway.Url);

            var first = true;
            string? configError = null;
            await foreach (var snapshot in _host.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (first || snapshot.ConfigError != configError)
                {
                    await PublishConfigStateAsync(snapshot.ConfigError, wasBroken: configError is not null).ConfigureAwait(false);
                    configError = snapshot.ConfigError;
                    first = false;
                }

                try
                {
                    await _databaseServer.ApplyAsync(snapshot.DatabaseServer).ConfigureAwait(false);
                    await _rows.ApplyAsync(snapshot, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // The apps keep running: the rows are brought up to date with the next snapshot.
                    Log.RowsFailed(_console, _repository.RepositoryPath, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (GroveException e)
        {
            await FailAsync(e.Fix is null ? e.Message : $"{e.Message}. Fix: {e.Fix}").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever stops Grove (a taken gateway port, an unreadable repository, a bug) shows
            // on the repository's row instead of vanishing in a background task.
            await FailAsync(e.Message).ConfigureAwait(false);
        }
    }

    private async Task PublishConfigStateAsync(string? configError, bool wasBroken)
    {
        if (configError is null)
        {
            if (wasBroken)
            {
                Log.ConfigValid(_logger);
            }

            await PublishRepositoryAsync(new("Watching", KnownResourceStateStyles.Success), reason: null).ConfigureAwait(false);
        }
        else
        {
            Log.ConfigError(_logger, configError);
            Log.ConfigError(_console, configError);
            await PublishRepositoryAsync(new("Config error", KnownResourceStateStyles.Error), reason: $"grove.json: {configError}").ConfigureAwait(false);
        }
    }

    private async Task FailAsync(string reason)
    {
        Log.CannotRun(_logger, _repository.RepositoryPath, reason);
        Log.CannotRun(_console, _repository.RepositoryPath, reason);
        await PublishRepositoryAsync(new(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error), reason).ConfigureAwait(false);
        await PublishGatewayStateAsync(new(KnownResourceStates.Exited, KnownResourceStateStyles.Info)).ConfigureAwait(false);
    }

    /// <summary>The connection string of the server given by WithDatabaseServer (once it is healthy); null: Grove's own server.</summary>
    private async Task<string?> DatabaseConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (_repository.DatabaseServer is not { } server)
        {
            return null;
        }

        if (server is IResourceWithEndpoints)
        {
            Log.WaitingForDatabaseServer(_logger, server.Name);
            await PublishRepositoryAsync(new(KnownResourceStates.Waiting, KnownResourceStateStyles.Info), $"waiting for {server.Name}").ConfigureAwait(false);
            await _notifications.WaitForResourceHealthyAsync(server.Name, cancellationToken).ConfigureAwait(false);
        }

        return await server.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new GroveException($"the database server '{server.Name}' has no connection string", $"give '{server.Name}' a connection string (ConnectionStrings:{server.Name})");
    }

    private Task PublishRepositoryAsync(ResourceStateSnapshot state, string? reason = null)
    {
        return _notifications.PublishUpdateAsync(_repository, s =>
        {
            var properties = s.Properties.RemoveAll(p => p.Name == "grove.reason");
            return s with
            {
                State = state,
                StartTimeStamp = s.StartTimeStamp ?? (state.Text == KnownResourceStates.Starting ? DateTime.UtcNow : null),
                Properties = reason is null ? properties : properties.Add(new ResourcePropertySnapshot("grove.reason", reason) { DisplayName = "Reason", IsHighlighted = true }),
            };
        });
    }

    private Task PublishGatewayAsync(Uri url) => _notifications.PublishUpdateAsync(_repository.Gateway, s => s with
    {
        State = new(KnownResourceStates.Running, KnownResourceStateStyles.Success),
        StartTimeStamp = DateTime.UtcNow,
        Urls = [new UrlSnapshot("landing", url.ToString(), IsInternal: false) { DisplayProperties = new("Landing page", 0) }],
        Properties = s.Properties.RemoveAll(p => p.Name == "grove.port")
            .Add(new ResourcePropertySnapshot("grove.port", url.Port.ToString(CultureInfo.InvariantCulture)) { DisplayName = "Port" }),
    });

    private Task PublishGatewayStateAsync(ResourceStateSnapshot state) =>
        _notifications.PublishUpdateAsync(_repository.Gateway, s => s with { State = state });
}
