using Grove.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Grove.Gateway.Mcp;

/// <summary>
/// Grove's MCP server on the gateway: Streamable HTTP at <c>/_grove/mcp</c>, stateless (each
/// request stands alone, so nothing is kept per client), behind the gateway's host guard and
/// Origin rule like the agent API.
/// </summary>
internal static class GatewayMcp
{
    public const string Path = "/_grove/mcp";

    public static void AddGroveMcp(this IServiceCollection services, IGroveHost host)
    {
        services.AddSingleton(host);
        services.AddMcpServer(options => options.ServerInfo = ServerInfo)
            .WithHttpTransport(http => http.Stateless = true)
            .WithTools<GroveTools>();
    }

    public static void MapGroveMcp(this IEndpointRouteBuilder routes) => routes.MapMcp(Path);

    /// <summary>How Grove's MCP server introduces itself (over HTTP and over stdio).</summary>
    public static ModelContextProtocol.Protocol.Implementation ServerInfo => new()
    {
        Name = "grove",
        Version = typeof(GatewayMcp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
    };
}
