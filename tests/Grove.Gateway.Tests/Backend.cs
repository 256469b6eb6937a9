using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grove.Gateway.Tests;

/// <summary>A real Kestrel app on a loopback port: answers with its own name, echoes WebSockets, can be slow or stream.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly StrongBox _aborted;

    private Backend(WebApplication app, string name, int port, StrongBox aborted)
    {
        _app = app;
        Name = name;
        Port = port;
        _aborted = aborted;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Requests whose client went away before the answer was done.</summary>
    public int Aborted => Volatile.Read(ref _aborted.Value);

    public static async Task<Backend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var aborted = new StrongBox();
        app.UseWebSockets();
        app.MapGet("/", (HttpRequest request) => $"{name} host={request.Host} forwarded-host={request.Headers["X-Forwarded-Host"]} forwarded-for={request.Headers["X-Forwarded-For"]}");
        app.MapGet("/who", () => name);
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            try
            {
                await Task.Delay(ms, ct);
                return Results.Text("slow done");
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref aborted.Value);
                throw;
            }
        });
        app.MapGet("/stream", async (HttpResponse response, CancellationToken ct) =>
        {
            for (var i = 0; i < 5; i++)
            {
                await response.WriteAsync($"chunk {i}\n", ct);
                await response.Body.FlushAsync(ct);
                await Task.Delay(100, ct);
            }
        });
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                var reply = System.Text.Encoding.UTF8.GetBytes($"{name}:{System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count)}");
                await socket.SendAsync(reply, WebSocketMessageType.Text, true, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new Backend(app, name, port, aborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class StrongBox
    {
        public int Value;
    }
}
