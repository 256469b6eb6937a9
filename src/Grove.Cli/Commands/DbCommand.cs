using Grove.Hosting;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grove.Cli.Output;
using Grove.Configuration;
using Grove.Contracts;
using Grove.Databases;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove db ls|reset|template</c>: the databases Grove made for the worktrees.</summary>
internal static class DbCommand
{
    public static Command Create() => new("db", "List, reset and template the worktrees' databases")
    {
        List(),
        Reset(),
        Template(),
    };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };
        var command = new Command("ls", "List the databases Grove made (templates, branches and spares), from the state store") { json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await context.SettleInterruptedAsync(cancellationToken).ConfigureAwait(false);
            await using var databases = context.Databases();
            var owned = databases.ListOwned();
            if (parse.GetValue(json))
            {
                var items = owned.Select(d => new OwnedDatabaseJson(d.Provider, d.Server, d.Name, OwnedKindNames.Of(d.Kind), d.Worktree, d.Slug, d.Ready, d.CreatedAt)).ToList();
                Console.Out.WriteLine(JsonSerializer.Serialize(items, DbJson.Default.ListOwnedDatabaseJson));
                return 0;
            }

            var rows = owned.Select(d => (IReadOnlyList<string>)
            [
                d.Provider,
                d.Server,
                d.Provider == "sqlite" ? Path.GetFileName(d.Name) : d.Name,
                OwnedKindNames.Of(d.Kind),
                d.Slug ?? "-",
                d.Ready ? "ready" : "unfinished",
                d.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ]).ToList();
            Console.Out.Write(TextTable.Render(["PROVIDER", "SERVER", "NAME", "KIND", "WORKTREE", "STATE", "CREATED"], rows));
            return 0;
        });
        return command;
    }

    private static Command Reset()
    {
        var target = new Argument<string>("worktree") { Description = "The worktree's slug, branch or folder" };
        var command = new Command("reset", "Replace a worktree's database by a fresh branch of the template (its data is lost)") { target };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var reset = (await host.ResetDatabaseAsync(parse.GetValue(target)!, StderrProgress.Instance, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            Console.Out.WriteLine(reset.Message);
            await host.RefillSparesAsync(StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Template()
    {
        var rebuild = new Option<bool>("--rebuild") { Description = "Rebuild it even when the seed did not change" };
        var command = new Command("template", "Build the template from database.seed or seedCommand (when missing or the seed changed)") { rebuild };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var template = await host.EnsureTemplateAsync(parse.GetValue(rebuild), StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine($"template {template} is ready{(parse.GetValue(rebuild) ? " (rebuilt)" : string.Empty)}");
            await host.RefillSparesAsync(StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
