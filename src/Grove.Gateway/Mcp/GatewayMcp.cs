using Grove.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
            .WithTools<GroveTools>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => (request, cancellationToken) =>
                request.Server.ServerOptions.ToolCollection?.TryGetPrimitive(request.Params!.Name, out var tool) == true
                && ArgumentCheck.Check(tool.ProtocolTool, request.Params.Arguments) is { } wrong
                    ? ValueTask.FromResult(wrong)
                    : next(request, cancellationToken))); // grove mcp forwards here, so both transports check
    }

    /// <summary>
    /// The endpoint: POST carries every call. Stateless, it has no stream to open with GET and no
    /// session to end with DELETE, so those get 405 with <c>Allow: POST</c>, as the Streamable HTTP
    /// transport asks (a client then goes on without them), not the agent API's 404.
    /// </summary>
    public static void MapGroveMcp(this IEndpointRouteBuilder routes)
    {
        routes.MapMcp(Path);
        routes.MapMethods(Path, [HttpMethods.Get, HttpMethods.Delete], (HttpContext context) =>
        {
            context.Response.Headers.Allow = HttpMethods.Post;
            return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
        });
    }

    /// <summary>How Grove's MCP server introduces itself (over HTTP and over stdio).</summary>
    public static ModelContextProtocol.Protocol.Implementation ServerInfo => new()
    {
        Name = "grove",
        Version = typeof(GatewayMcp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
    };
}
