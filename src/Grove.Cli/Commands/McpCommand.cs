using System.CommandLine;
using Grove.Gateway.Mcp;

namespace Grove.Cli.Commands;

/// <summary>
/// <c>grove mcp</c>: Grove's MCP tools on standard input and output, for an agent that starts a
/// command (register it in the agent's MCP settings); every call runs in the running
/// <c>grove up</c> or AppHost.
/// </summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var command = new Command("mcp", "Serve Grove's MCP tools on stdin/stdout (for agents); calls run in the running 'grove up' or AppHost");
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var runs = context.Runs;
            var here = Path.GetFullPath(parse.GetValue(CliContext.RepoOption) ?? Environment.CurrentDirectory); // "this worktree" for get_worktree
            await StdioServer.RunAsync(() => runs.LiveSupervisor()?.GatewayPort, here, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
