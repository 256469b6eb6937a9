using Grove.Contracts;
using System.CommandLine;
using System.Text.Json;
using Grove.Cli.Output;
using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove new &lt;branch&gt;</c>: a branch and a worktree with its own port, slug and database.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var branch = new Argument<string>("branch") { Description = "The branch to create (or an existing branch to open in a new worktree)" };
        var from = new Option<string?>("--from") { Description = "Where the new branch starts (branch, tag or commit); default: the current worktree's HEAD" };
        var path = new Option<string?>("--path") { Description = "The worktree's folder (relative to the current folder); default: ../<repo>-<slug> beside the repository" };
        var dbFrom = new Option<string?>("--db-from") { Description = "Branch the database from this worktree's current data (slug, branch or folder) instead of the template" };
        var json = new Option<bool>("--json") { Description = "Print the new worktree as a JSON object" };
        var command = new Command("new", "Create a branch and a worktree for it, with its own database when grove.json configures one") { branch, from, path, dbFrom, json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var config = await context.ConfigAsync(null, cancellationToken).ConfigureAwait(false);
            WorktreeSnapshot? source = null;
            if (parse.GetValue(dbFrom) is { } sourceName)
            {
                _ = config.Database ?? throw new GroveException("--db-from needs a database, and grove.json configures none", "add a \"database\" section to grove.json, or drop --db-from");
                source = CliContext.Find(await context.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false), sourceName);
            }

            var creator = new WorktreeCreator(context.Catalog);
            var created = await creator.CreateAsync(parse.GetValue(branch)!, parse.GetValue(from), parse.GetValue(path) is { } folder ? Path.GetFullPath(folder) : null, context.StartDirectory, cancellationToken).ConfigureAwait(false);
            DatabaseBranch? database = null;
            await using var databases = config.Database is null ? null : context.Databases();
            if (config.Database is { } settings)
            {
                try
                {
                    database = source is null
                        ? await databases!.EnsureBranchAsync(created, settings, StderrProgress.Instance, cancellationToken).ConfigureAwait(false)
                        : await databases!.BranchFromAsync(created, source, settings, StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
                }
                catch (GroveException ex)
                {
                    throw new GroveException(
                        $"the worktree {created.Path} was created, but its database was not: {ex.Message}",
                        $"{ex.Fix ?? "fix the cause"}; then give it its database with 'grove db reset {created.Slug}'",
                        ex);
                }
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(WorktreeJson.From(created, database), ContractJson.Default.WorktreeJson));
            }
            else
            {
                Console.Out.WriteLine($"created {created.Path}");
                Console.Out.WriteLine($"  slug {created.Slug}  port {created.Port}");
                Console.Out.WriteLine($"  url  {created.Url}");
                Console.Out.WriteLine($"  gateway url {created.GatewayUrl}");
                if (database is not null)
                {
                    Console.Out.WriteLine($"  database {database.ProviderName} {database.Name}");
                }
            }

            if (databases is not null && source is null)
            {
                await SpareRefill.RunAsync(context, databases, config.Database!, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
