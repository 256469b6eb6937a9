using System.CommandLine;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove env</c>, inside a worktree: its environment as shell-quoted export lines.</summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Print the current worktree's environment as export lines, for eval \"$(grove env)\"");
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.CurrentWorktree(snapshot);
            var database = (await context.ConfigAsync(snapshot, cancellationToken).ConfigureAwait(false)).Database;
            await using var databases = context.Databases();
            var branch = database is null ? null : databases.DescribeOwned(worktree, database);
            if (database is not null && branch is null)
            {
                await Console.Error.WriteLineAsync($"grove: {worktree.Slug} has no database of its own yet, so its connection is left out").ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"  fix: make it with 'grove db reset {worktree.Slug}' (or let 'grove up' make it)").ConfigureAwait(false);
            }
            foreach (var (key, value) in WorktreeEnvironment.For(worktree).Concat(branch?.Environment ?? []))
            {
                Console.Out.WriteLine($"export {key}={ShellQuote.Quote(value)}");
            }

            return 0;
        });
        return command;
    }
}
