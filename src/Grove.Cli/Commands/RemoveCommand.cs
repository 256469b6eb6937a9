using System.CommandLine;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove rm &lt;slug|branch&gt;</c>: removes a worktree, safely by default.</summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("worktree") { Description = "The worktree's slug, branch or folder" };
        var force = new Option<bool>("--force") { Description = "Remove even with uncommitted, untracked or ignored files (they are lost), or when locked" };
        var deleteBranch = new Option<bool>("--delete-branch") { Description = "Also delete the branch; refused (before anything is removed) when it is not merged" };
        var command = new Command("rm", "Remove a worktree and release its port and slug; the branch is kept") { target, force, deleteBranch };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var remover = new WorktreeRemover(context.Catalog);
            var removed = await remover.RemoveAsync(parse.GetValue(target)!, parse.GetValue(force), parse.GetValue(deleteBranch), cancellationToken).ConfigureAwait(false);
            var branchNote = removed.Branch is null ? string.Empty
                : parse.GetValue(deleteBranch) ? $"; branch '{removed.Branch}' deleted" : $"; branch '{removed.Branch}' kept";
            Console.Out.WriteLine($"removed {removed.Path} (slug {removed.Slug}, port {removed.Port} released){branchNote}");
            return 0;
        });
        return command;
    }
}
