using System.CommandLine;
using Grove.Cli;
using Grove.Cli.Commands;

var root = new RootCommand("Grove: every git worktree gets its own port, URL and environment, so parallel coding agents never collide.")
{
    CliContext.RepoOption,
};
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(UrlCommand.Create());
root.Subcommands.Add(EnvCommand.Create());
root.Subcommands.Add(NewCommand.Create());
root.Subcommands.Add(RemoveCommand.Create());
root.Subcommands.Add(StateCommand.Create());
root.Subcommands.Add(DbCommand.Create());
root.Subcommands.Add(InstallCommand.Create());
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(WaitCommand.Create());
root.Subcommands.Add(LogsCommand.Create());
root.Subcommands.Add(McpCommand.Create());
root.Subcommands.Add(PullRequestCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
foreach (var command in AppCommands.Create())
{
    root.Subcommands.Add(command);
}

// Ctrl+C is handled where it matters ('grove up' stops every app before it exits, however long
// that takes); elsewhere it ends the process as usual.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
var parse = root.Parse(args);
if (parse.Errors.Count > 0 && args.Length > 0)
{
    // An unknown command or option: Grove's error with its fix, not the whole help (bare 'grove' shows the help).
    await Console.Error.WriteLineAsync(UsageErrors.Describe(parse)).ConfigureAwait(false);
    return CommandAction.Failed;
}

return await parse.InvokeAsync(invocation).ConfigureAwait(false);
