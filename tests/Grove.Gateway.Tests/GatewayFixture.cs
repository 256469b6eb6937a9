using System.Net.Sockets;

namespace Grove.Gateway.Tests;

/// <summary>Clients that reach the gateway on loopback whatever host name the URL carries.</summary>
internal static class GatewayClient
{
    /// <summary>An HttpClient whose every connection goes to 127.0.0.1:<paramref name="port"/>, so <c>http://x.localhost:port/</c> works without DNS.</summary>
    public static HttpClient For(int port, TimeSpan? timeout = null) => new(Handler(port)) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public static SocketsHttpHandler Handler(int port) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        UseProxy = false,
    };
}
