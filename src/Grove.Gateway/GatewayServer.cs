using System.Net;
using System.Net.Sockets;
using Grove.Gateway.Api;
using Grove.Gateway.Pages;
using Grove.Gateway.Routing;
using Grove.Supervision;
using Grove.Worktrees;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Grove.Gateway;

/// <summary>
/// The gateway, in the <c>grove up</c> process: Kestrel on loopback only, YARP routes rebuilt
/// from every snapshot, the landing page and agent API on the gateway's own host names, and the
/// gateway's own pages for hosts it cannot forward (unknown: 404; app not running: 503).
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private const string OwnHost = "localhost";
    private readonly WebApplication _app;
    private readonly IAppHost _host;
    private readonly EventHandler<RepositorySnapshot> _onChanged;

    private GatewayServer(WebApplication app, IAppHost host, EventHandler<RepositorySnapshot> onChanged, int port)
    {
        _app = app;
        _host = host;
        _onChanged = onChanged;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The landing page.</summary>
    public Uri Url => new($"http://localhost:{Port}/");

    public static async Task<GatewayServer> StartAsync(IAppHost host, GatewayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            if (options.Port != 0 && Socket.OSSupportsIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, options.Port);
            }
        });
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        var app = builder.Build();

        var routes = new RouteTable(app.Services.GetRequiredService<InMemoryConfigProvider>(), options.BackendTimeout);
        if (host.Current is { } first)
        {
            routes.Apply(first);
        }

        EventHandler<RepositorySnapshot> onChanged = (_, snapshot) => routes.Apply(snapshot);
        host.Changed += onChanged;
        var policy = new HostPolicy(options.ExtraHostNames);
        var port = options.Port;
        app.Use((context, next) => GuardAsync(context, next, policy, host, port));
        app.UseRouting(); // after the guard: refused and unknown hosts never reach routing
        var own = app.MapGroup(string.Empty).RequireHost(OwnHost);
        own.MapGet("/", () => Results.Content(LandingPage.Render(), "text/html; charset=utf-8"));
        AgentApi.Map(own, host);
        app.MapReverseProxy();
        app.MapFallback((HttpContext context) => UnknownHost(context, host, port));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            host.Changed -= onChanged;
            await app.DisposeAsync().ConfigureAwait(false);
            throw new GroveException(
                $"the gateway cannot listen on port {options.Port}: {ex.Message}",
                "stop the program that holds that port, or set gateway.port in grove.json to a free port", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).First();
        port = bound;
        return new GatewayServer(app, host, onChanged, bound);
    }

    public async ValueTask DisposeAsync()
    {
        _host.Changed -= _onChanged;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Refuses foreign hosts, and answers for worktrees that are unknown or not running.</summary>
    private static async Task GuardAsync(HttpContext context, RequestDelegate next, HostPolicy policy, IAppHost host, int port)
    {
        var (kind, slug) = policy.Classify(context.Request.Host.Host);
        if (kind == HostKind.Refused)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(
                $"Host '{context.Request.Host.Host}' is not served here: Grove answers only localhost, *.localhost, 127.0.0.1 and [::1] (DNS rebinding protection).\n",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (kind == HostKind.Gateway)
        {
            // All of the gateway's own names (127.0.0.1, [::1], configured ones) are one host to
            // routing, which cannot parse an IPv6 literal in a host constraint.
            context.Request.Host = new HostString(OwnHost, context.Request.Host.Port ?? port);
        }
        else
        {
            var worktree = host.Current?.Worktrees.FirstOrDefault(w => w.Slug == slug);
            if (worktree is null)
            {
                await UnknownHost(context, host, port).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (worktree.State is not (WorktreeState.Running or WorktreeState.Unhealthy))
            {
                context.Response.Headers.RetryAfter = "2";
                await Results.Content(StatusPages.NotRunning(worktree, GatewayPort(context, port)), "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable)
                    .ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private static IResult UnknownHost(HttpContext context, IAppHost host, int port) =>
        Results.Content(StatusPages.UnknownHost(context.Request.Host.Value ?? string.Empty, host.Current, GatewayPort(context, port)), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static int GatewayPort(HttpContext context, int configured) => context.Connection.LocalPort is > 0 and var local ? local : configured;
}
