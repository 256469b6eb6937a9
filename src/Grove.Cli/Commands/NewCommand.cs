using Grove.Contracts;
using System.CommandLine;
using System.Text.Json;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove new &lt;branch&gt;</c>: a branch and a worktree with its own port and slug.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var branch = new Argument<string>("branch") { Description = "The branch to create (or an existing branch to open in a new worktree)" };
        var from = new Option<string?>("--from") { Description = "Where the new branch starts (branch, tag or commit); default: the current worktree's HEAD" };
        var path = new Option<string?>("--path") { Description = "The worktree's folder (relative to the current folder); default: ../<repo>-<slug> beside the repository" };
        var json = new Option<bool>("--json") { Description = "Print the new worktree as a JSON object" };
        var command = new Command("new", "Create a branch and a worktree for it") { branch, from, path, json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var creator = new WorktreeCreator(context.Catalog);
            var created = await creator.CreateAsync(parse.GetValue(branch)!, parse.GetValue(from), parse.GetValue(path) is { } folder ? Path.GetFullPath(folder) : null, context.StartDirectory, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(WorktreeJson.From(created), ContractJson.Default.WorktreeJson));
            }
            else
            {
                Console.Out.WriteLine($"created {created.Path}");
                Console.Out.WriteLine($"  slug {created.Slug}  port {created.Port}");
                Console.Out.WriteLine($"  url  {created.Url}");
                Console.Out.WriteLine($"  gateway url {created.GatewayUrl}");
            }

            return 0;
        });
        return command;
    }
}
