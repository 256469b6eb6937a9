using Grove.Contracts;
using System.CommandLine;
using System.Text.Json;
using Grove.Cli.Output;
using Grove.Hosting;

namespace Grove.Cli.Commands;

/// <summary><c>grove new &lt;branch&gt;</c>: a branch and a worktree with its own port, slug and database.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var branch = new Argument<string?>("branch") { Description = "The branch to create (or an existing branch to open in a new worktree)", Arity = ArgumentArity.ZeroOrOne };
        var issue = new Option<long?>("--issue") { Description = "Make the worktree for this GitHub issue: branch issue-<number>-<title>, the issue as Markdown in GROVE_ISSUE_FILE" };
        var from = new Option<string?>("--from") { Description = "Where the new branch starts (branch, tag or commit); default: the current worktree's HEAD" };
        var path = new Option<string?>("--path") { Description = "The worktree's folder (relative to the current folder); default: ../<repo>-<slug> beside the repository" };
        var dbFrom = new Option<string?>("--db-from") { Description = "Branch the database from this worktree's current data (slug, branch or folder) instead of the template" };
        var keepDb = new Option<bool>("--keep-db") { Description = "Keep the database an earlier worktree of the same name left (orphaned), with its data, instead of branching anew" };
        var json = new Option<bool>("--json") { Description = "Print the new worktree as a JSON object" };
        var command = new Command("new", "Create a branch and a worktree for it, with its own database when grove.json configures one") { branch, issue, from, path, dbFrom, keepDb, json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var number = parse.GetValue(issue);
            var name = parse.GetValue(branch);
            if ((number is null) == (name is null))
            {
                throw new GroveException(
                    number is null ? "grove new needs a branch name or --issue <number>" : "grove new takes a branch name or --issue <number>, not both",
                    "run 'grove new <branch>', or 'grove new --issue <number>' (its branch is issue-<number>-<title>)");
            }

            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var request = (number is { } n ? CreateWorktreeRequest.ForIssue(n) : new CreateWorktreeRequest(name!)) with
            {
                From = parse.GetValue(from),
                Path = parse.GetValue(path) is { } folder ? Path.GetFullPath(folder) : null,
                DatabaseFrom = parse.GetValue(dbFrom),
                ReuseDatabase = parse.GetValue(keepDb),
                StartDirectory = context.StartDirectory,
            };
            using var progress = new ElapsedProgress(Console.Error);
            var result = (await host.CreateWorktreeAsync(request, progress, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            var created = result.Worktree!;
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(WorktreeJson.From(created), ContractJson.Default.WorktreeJson));
            }
            else
            {
                Console.Out.WriteLine(result.Message); // "created <path>", or "finished the interrupted creation of <path>"
                Console.Out.WriteLine($"  slug {created.Slug}  port {created.Port}");
                Console.Out.WriteLine($"  url  {created.Url}");
                Console.Out.WriteLine($"  gateway url {created.GatewayUrl}");
                if (created.Database is { } database)
                {
                    Console.Out.WriteLine($"  database {database.Provider} {database.Name}");
                }

                if (created.Issue is { } made)
                {
                    Console.Out.WriteLine($"  issue #{made.Number} {made.Url}");
                    Console.Out.WriteLine($"  issue file {made.File} (GROVE_ISSUE_FILE)");
                }
            }

            if (request.DatabaseFrom is null)
            {
                await host.RefillSparesAsync(progress, cancellationToken).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync(context.Runs.LiveSupervisor() is { } front
                ? $"grove: done in {progress.Elapsed}; the running '{front.FrontEnd}' now installs, branches and starts its app: 'grove wait {created.Slug}' follows that until it is healthy"
                : $"grove: done in {progress.Elapsed}; no 'grove up' runs, so its app is not started: run 'grove up', then 'grove wait {created.Slug}' follows its start until it is healthy").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
