using Grove.Contracts;
using System.CommandLine;
using System.Text.Json;
using Grove.Cli.Output;

namespace Grove.Cli.Commands;

/// <summary><c>grove url</c>, inside a worktree: the address of its app.</summary>
internal static class UrlCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print this worktree as a JSON object (the fields of 'grove ls --json')" };
        var gateway = new Option<bool>("--gateway") { Description = "Print the gateway URL (http://<slug>.localhost:<port>) instead of the direct one" };
        var command = new Command("url", "Print the URL of the current worktree's app") { json, gateway };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.CurrentWorktree(snapshot);
            if (!parse.GetValue(json))
            {
                Console.Out.WriteLine(parse.GetValue(gateway) ? worktree.GatewayUrl : worktree.Url);
                return 0;
            }

            var database = (await context.ConfigAsync(snapshot, cancellationToken).ConfigureAwait(false)).Database;
            await using var databases = context.Databases();
            Console.Out.WriteLine(JsonSerializer.Serialize(WorktreeJson.From(worktree with { Database = database is null ? null : databases.DescribeState(worktree, database) }), ContractJson.Default.WorktreeJson));
            return 0;
        });
        return command;
    }
}
