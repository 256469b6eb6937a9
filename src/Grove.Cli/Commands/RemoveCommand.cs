using System.CommandLine;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove rm &lt;slug|branch&gt;</c>: removes a worktree (and its database), safely by default.</summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("worktree") { Description = "The worktree's slug, branch or folder" };
        var force = new Option<bool>("--force") { Description = "Remove even with uncommitted, untracked or ignored files (they are lost), or when locked" };
        var deleteBranch = new Option<bool>("--delete-branch") { Description = "Also delete the branch; refused (before anything is removed) when it is not merged" };
        var keepDb = new Option<bool>("--keep-db") { Description = "Keep the worktree's database (by default Grove drops the one it made)" };
        var command = new Command("rm", "Remove a worktree, release its port and slug, and drop its database; the branch is kept") { target, force, deleteBranch, keepDb };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var database = (await context.ConfigAsync(null, cancellationToken).ConfigureAwait(false)).Database;
            var remover = new WorktreeRemover(context.Catalog);
            var removed = await remover.RemoveAsync(parse.GetValue(target)!, parse.GetValue(force), parse.GetValue(deleteBranch), cancellationToken).ConfigureAwait(false);
            var branchNote = removed.Branch is null ? string.Empty
                : parse.GetValue(deleteBranch) ? $"; branch '{removed.Branch}' deleted" : $"; branch '{removed.Branch}' kept";
            var databaseNote = string.Empty;
            if (database is not null)
            {
                await using var databases = context.Databases();
                var name = databases.Describe(removed, database).Name;
                if (parse.GetValue(keepDb))
                {
                    databaseNote = databases.DescribeOwned(removed, database) is null
                        ? $"; it had no database of Grove's ({name} was never made)"
                        : $"; database {name} kept";
                }
                else
                {
                    try
                    {
                        var dropped = await databases.DropAsync(removed, database, StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
                        databaseNote = dropped
                            ? $"; database {name} dropped"
                            : $"; no database of Grove's named {name} to drop (never made, or not Grove's: left alone)";
                    }
                    catch (GroveException ex)
                    {
                        throw new GroveException($"the worktree {removed.Path} was removed, but its database {name} was kept: {ex.Message}", ex.Fix, ex);
                    }
                }
            }

            Console.Out.WriteLine($"removed {removed.Path} (slug {removed.Slug}, port {removed.Port} released){branchNote}{databaseNote}");
            return 0;
        });
        return command;
    }
}
