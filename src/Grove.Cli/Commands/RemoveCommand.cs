using System.CommandLine;
using Grove.Cli.Output;
using Grove.Hosting;

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
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var request = new RemoveWorktreeRequest(parse.GetValue(target)!)
            {
                Force = parse.GetValue(force),
                DeleteBranch = parse.GetValue(deleteBranch),
                KeepDatabase = parse.GetValue(keepDb),
            };
            var removed = (await host.RemoveWorktreeAsync(request, StderrProgress.Instance, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            Console.Out.WriteLine(removed.Message);
            return 0;
        });
        return command;
    }
}
