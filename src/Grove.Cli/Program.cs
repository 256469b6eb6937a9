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
root.Subcommands.Add(InstallCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
