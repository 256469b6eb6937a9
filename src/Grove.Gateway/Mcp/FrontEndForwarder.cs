using System.Globalization;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Grove.Gateway.Mcp;

/// <summary>
/// Runs a tool call in the front end that runs the apps (<c>grove up</c> or the AppHost), through
/// the MCP endpoint on its gateway; found again at every call, so <c>grove mcp</c> may start
/// before it, and outlive a restart of it. Its answer is passed on as it came.
/// </summary>
internal sealed class FrontEndForwarder(Func<int?> gatewayPort) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private McpClient? _client;
    private int _port;

    public async ValueTask<CallToolResult> CallAsync(CallToolRequestParams call, CancellationToken cancellationToken)
    {
        if (gatewayPort() is not { } port)
        {
            return ToolJson.Error(
                "no 'grove up' (or AppHost) runs for this repository, so no worktree's app runs and Grove's tools have nothing to act on",
                "start it with 'grove up' (in another terminal or in the background), then call the tool again");
        }

        try
        {
            var client = await ConnectAsync(port, cancellationToken).ConfigureAwait(false);
            return await client.CallToolAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (McpProtocolException ex)
        {
            // The gateway answered, with a protocol error (an unknown tool): the agent gets it as
            // over HTTP, without the client's "Request failed (remote): " before it (the agent's
            // own client adds that again).
            const string Remote = "Request failed (remote): ";
            throw new McpProtocolException(ex.Message.StartsWith(Remote, StringComparison.Ordinal) ? ex.Message[Remote.Length..] : ex.Message, ex.ErrorCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or McpException or TimeoutException)
        {
            await ForgetAsync().ConfigureAwait(false); // the next call connects afresh
            return ToolJson.Error(
                $"the gateway of the running 'grove up' (http://localhost:{port.ToString(CultureInfo.InvariantCulture)}{GatewayMcp.Path}) did not answer: {ex.Message}",
                "check that 'grove up' still runs and answers (grove ls), restart it if it is stuck, then call the tool again");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ForgetAsync().ConfigureAwait(false);
        _connecting.Dispose();
    }

    private async Task<McpClient> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is not null && _port == port)
            {
                return _client;
            }

            if (_client is not null)
            {
                await _client.DisposeAsync().ConfigureAwait(false); // grove up restarted on another port
            }

            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{GatewayMcp.Path}"),
                TransportMode = HttpTransportMode.StreamableHttp,
                Name = "grove up",
            }, new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan }, loggerFactory: null, ownsHttpClient: true); // wait_healthy may take its whole timeout
            _client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken).ConfigureAwait(false);
            _port = port;
            return _client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task ForgetAsync()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
