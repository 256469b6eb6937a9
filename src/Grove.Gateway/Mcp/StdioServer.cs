using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Grove.Gateway.Mcp;

/// <summary>
/// <c>grove mcp</c>: Grove's MCP server on standard input and output, for agents that start a
/// command. It lists the same tools as the gateway (the same <see cref="GroveTools"/> class) and
/// runs every call in the front end that runs the apps, through its gateway's MCP endpoint
/// (<see cref="FrontEndForwarder"/>): only that process has the live states, health and logs that
/// <c>wait_healthy</c> and <c>get_logs</c> need.
/// </summary>
internal static class StdioServer
{
    /// <param name="gatewayPort">The running front end's gateway port, looked up at each call (null: none runs).</param>
    /// <param name="workingDirectory">Where the agent started <c>grove mcp</c>: "this worktree" for <c>get_worktree</c> without arguments.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    public static async Task RunAsync(Func<int?> gatewayPort, string workingDirectory, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(settings: null); // no console logging: standard output is the protocol's
        await using var forwarder = new FrontEndForwarder(gatewayPort);
        builder.Services.AddMcpServer(options => options.ServerInfo = GatewayMcp.ServerInfo)
            .WithStdioServerTransport()
            .WithTools<GroveTools>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(_ => (request, token) =>
                forwarder.CallAsync(ThisWorktree(request.Params!, workingDirectory), token)));
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>get_worktree</c> with neither a name nor a path: the worktree <c>grove mcp</c> was started in.</summary>
    private static CallToolRequestParams ThisWorktree(CallToolRequestParams call, string workingDirectory)
    {
        if (call.Name != "get_worktree" || call.Arguments is { } given && (given.ContainsKey("name") || given.ContainsKey("path")))
        {
            return call;
        }

        var arguments = new Dictionary<string, JsonElement>(call.Arguments ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal)
        {
            ["path"] = JsonSerializer.SerializeToElement(workingDirectory, ToolJson.Readable.String),
        };
        return new CallToolRequestParams { Name = call.Name, Arguments = arguments, Meta = call.Meta };
    }
}
