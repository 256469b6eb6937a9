using System.Diagnostics;
using System.Net;
using Grove.Gateway.Pages;
using Grove.Worktrees;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Grove.Gateway.Routing;

/// <summary>
/// Sends a request to a worktree's app with YARP's forwarder (direct forwarding: the route is
/// already known, so no routing, load balancing or config pipeline runs per request), over one
/// pooled HTTP client for all apps. X-Forwarded-For/Proto/Host/Prefix are set by the default
/// transform, which also replaces the Host with the app's own address. When the app does not
/// answer, the client gets the gateway's 502 or 504 page instead.
/// </summary>
internal sealed class AppForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ForwarderRequestConfig _config;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    public AppForwarder(IHttpForwarder forwarder, TimeSpan backendTimeout, Microsoft.Extensions.Logging.ILogger logger)
    {
        _forwarder = forwarder;
        _logger = logger;
        _config = new ForwarderRequestConfig { ActivityTimeout = backendTimeout };
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ActivityHeadersPropagator = null, // trace headers the client sent pass through as they are
        });
    }

    public async Task ForwardAsync(HttpContext context, Route route, Func<WorktreeSnapshot?> current, int gatewayPort)
    {
        var error = await _forwarder.SendAsync(context, route.Destination, _client, _config, HttpTransformer.Default).ConfigureAwait(false);
        if (error != ForwarderError.None)
        {
            GatewayLog.ForwardFailed(_logger, route.Worktree.Slug, error.ToString(), context.Features.Get<IForwarderErrorFeature>()?.Exception);
        }

        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            await ErrorPageAsync(context, route.Worktree.Slug, error, current(), gatewayPort).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The gateway's own page when the app did not answer (502) or answered too slowly (504).</summary>
    private static Task ErrorPageAsync(HttpContext context, string slug, ForwarderError error, WorktreeSnapshot? worktree, int gatewayPort)
    {
        Debug.Assert(!context.Response.HasStarted);
        var timedOut = error is ForwarderError.RequestTimedOut;
        var status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
        var what = timedOut ? "did not answer in time" : "did not answer";
        var html = WebUtility.HtmlEncode(slug);
        var body = StatusPages.Page($"{slug} {what}", $"""
            <p>The app of worktree <code>{html}</code> {what} ({error}); Grove shows it as <strong>{(worktree is null ? "unknown" : Contracts.WorktreeStateNames.Of(worktree.State))}</strong>.</p>
            <p>See <code>grove logs {html}</code>, or <code>grove restart {html}</code>; <a href="http://localhost:{gatewayPort}/">all worktrees</a>.</p>
            """);
        context.Response.Clear();
        return Results.Content(body, "text/html; charset=utf-8", statusCode: status).ExecuteAsync(context);
    }
}
