using System.CommandLine;
using System.Text.Json;
using Grove.Cli.Output;

namespace Grove.Cli.Commands;

/// <summary>
/// <c>grove env [--json]</c>, inside a worktree: exactly the environment its app gets (the host
/// puts it together as the supervisor does), as shell-quoted export lines; a secret's line ends
/// in <c># secret</c>, or carries <c>"secret": true</c> in JSON.
/// </summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Print the current worktree's app environment as export lines, for eval \"$(grove env)\"; secrets are marked '# secret'");
        var json = new Option<bool>("--json") { Description = "Print a JSON array of { name, value, secret } instead" };
        command.Options.Add(json);
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = await host.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            await CliContext.WarnIfConfigBrokenAsync(snapshot).ConfigureAwait(false);
            var worktree = context.CurrentWorktree(snapshot);
            var (variables, databaseMissing) = host.DescribeAppEnvironment(worktree, snapshot);
            if (databaseMissing)
            {
                await Console.Error.WriteLineAsync($"grove: {worktree.Slug} has no database of its own yet, so its connection is left out").ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"  fix: make it with 'grove db reset {worktree.Slug}' (or let 'grove up' make it)").ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize([.. variables.Select(v => new EnvVariableJson(v.Name, v.Value, v.Secret))], EnvJson.Default.ListEnvVariableJson));
                return 0;
            }

            foreach (var variable in variables)
            {
                if (!IsShellName(variable.Name))
                {
                    await Console.Error.WriteLineAsync($"grove: {variable.Name} is not a shell variable name, so 'export' cannot set it; 'grove env --json' lists it").ConfigureAwait(false);
                    continue;
                }

                Console.Out.WriteLine($"export {variable.Name}={ShellQuote.Quote(variable.Value)}{(variable.Secret ? "  # secret" : string.Empty)}");
            }

            return 0;
        });
        return command;
    }

    private static bool IsShellName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
