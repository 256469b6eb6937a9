using System.Net;
using System.Net.Sockets;
using Grove.Gateway.Api;
using Grove.Gateway.Mcp;
using Grove.Gateway.Pages;
using Grove.Gateway.Routing;
using Grove.Hosting;
using Grove.Worktrees;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Grove.Gateway;

/// <summary>
/// The gateway, in the <c>grove up</c> process: Kestrel on loopback only, a route table rebuilt
/// from every snapshot and YARP's forwarder for worktree hosts, the landing page and agent API on
/// the gateway's own host names, and the gateway's own pages for hosts it cannot forward
/// (unknown: 404; app not running: 503; app not answering: 502/504).
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private const string OwnHost = "localhost";
    private readonly WebApplication _app;
    private readonly RouteFollower _routes;
    private readonly AppForwarder _forwarder;

    private GatewayServer(WebApplication app, RouteFollower routes, AppForwarder forwarder, int port)
    {
        _app = app;
        _routes = routes;
        _forwarder = forwarder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The landing page.</summary>
    public Uri Url => new($"http://localhost:{Port}/");

    public static async Task<GatewayServer> StartAsync(IGroveHost host, GatewayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } loggers)
        {
            builder.Services.AddSingleton(loggers); // Kestrel's and YARP's messages go where the front end's go
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false; // the app's own Server header passes through
            kestrel.Listen(IPAddress.Loopback, options.Port);
            if (options.Port != 0 && Socket.OSSupportsIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, options.Port);
            }
        });
        builder.Services.AddRouting(); // the slim builder's routing core lacks host matching (RequireHost)
        builder.Services.AddHttpForwarder();
        builder.Services.AddGroveMcp(host);
        var app = builder.Build();

        var routes = new RouteTable();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Grove.Gateway");
        var follower = RouteFollower.Start(host, routes, logger);
        var forwarder = new AppForwarder(app.Services.GetRequiredService<IHttpForwarder>(), options.BackendTimeout, logger);
        var policy = new HostPolicy(options.ExtraHostNames);
        var port = options.Port;
        app.Use((context, next) => GuardAsync(context, next, policy, routes, forwarder, host, port));
        app.UseRouting(); // after the guard: only the gateway's own host reaches routing
        var own = app.MapGroup(string.Empty).RequireHost(OwnHost);
        own.MapGet("/", () => Results.Content(LandingPage.Render(), "text/html; charset=utf-8"));
        AgentApi.Map(own, host);
        own.MapGroveMcp();
        own.MapFallback("/_grove/{**rest}", () => Results.Json(new Api.Message("no such agent API path", "see the README's Agent API table: /_grove/worktrees, /_grove/events"), Api.GatewayJson.Default.Message, statusCode: StatusCodes.Status404NotFound));
        app.MapFallback((HttpContext context) => UnknownHost(context, host, port));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await follower.DisposeAsync().ConfigureAwait(false);
            forwarder.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            var holder = Grove.Ports.PortHolder.Describe(options.Port);
            throw new GroveException(
                $"the gateway cannot listen on port {options.Port}: {ex.Message}{(holder is null ? string.Empty : $" ({holder} listens on it)")}",
                $"stop {holder ?? "the program that holds that port"}, or choose another port: 'grove up --port <port>' (the AppHost: WithGatewayPort), or gateway.port in grove.json", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).First();
        port = bound;
        GatewayLog.Listening(logger, bound);
        return new GatewayServer(app, follower, forwarder, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _routes.DisposeAsync().ConfigureAwait(false);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }

    /// <summary>
    /// Refuses foreign hosts, serves the gateway's own host through routing, and forwards worktree
    /// hosts to their apps (or answers for worktrees that are unknown or not running).
    /// </summary>
    private static async Task GuardAsync(HttpContext context, RequestDelegate next, HostPolicy policy, RouteTable routes, AppForwarder forwarder, IGroveHost host, int port)
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
            if (IsCrossSiteWrite(context.Request, policy))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("A web page of another site may not steer Grove (its Origin is not this gateway).\n", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            // All of the gateway's own names (127.0.0.1, [::1], configured ones) are one host to
            // routing, which cannot parse an IPv6 literal in a host constraint.
            context.Request.Host = new HostString(OwnHost, context.Request.Host.Port ?? port);
            await next(context).ConfigureAwait(false);
            return;
        }

        var route = routes.Find(slug!);
        if (route is null)
        {
            await UnknownHost(context, host, port).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (route.Worktree.State is not (WorktreeState.Running or WorktreeState.Unhealthy))
        {
            context.Response.Headers.RetryAfter = "2";
            await Results.Content(StatusPages.NotRunning(route.Worktree, GatewayPort(context, port)), "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        // "a.localhost." is "a.localhost" (X-Forwarded-Host carries the name without the final dot).
        if (context.Request.Host.Host.EndsWith('.'))
        {
            var trimmed = context.Request.Host.Host.TrimEnd('.');
            context.Request.Host = context.Request.Host.Port is { } hostPort ? new HostString(trimmed, hostPort) : new HostString(trimmed);
        }

        await forwarder.ForwardAsync(context, route, () => routes.Find(route.Worktree.Slug)?.Worktree, GatewayPort(context, port)).ConfigureAwait(false);
    }

    /// <summary>
    /// A state-changing request sent by a browser from another site (cross-site request forgery):
    /// its Origin names some other host. Scripts and the CLI send no Origin; the landing page's
    /// own requests carry the gateway's own origin.
    /// </summary>
    private static bool IsCrossSiteWrite(HttpRequest request, HostPolicy policy)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // The gateway's own pages are the only ones that may: same host kind and same port (a page
        // of another local dev server, on another port, is another site).
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || policy.Classify(uri.Host).Kind != HostKind.Gateway
                || uri.Port != request.HttpContext.Connection.LocalPort);
    }

    private static IResult UnknownHost(HttpContext context, IGroveHost host, int port) =>
        Results.Content(StatusPages.UnknownHost(context.Request.Host.Value ?? string.Empty, host.Current, GatewayPort(context, port)), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static int GatewayPort(HttpContext context, int configured) => context.Connection.LocalPort is > 0 and var local ? local : configured;
}
