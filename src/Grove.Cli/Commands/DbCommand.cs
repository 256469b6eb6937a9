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

/// <summary><c>grove db ls|drop|prune|reset|template</c>: the databases Grove made for the worktrees.</summary>
internal static class DbCommand
{
    public static Command Create() => new("db", "List, reset, drop and template the worktrees' databases")
    {
        List(),
        Drop(),
        Prune(),
        Reset(),
        Template(),
    };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };
        var command = new Command("ls", "List the databases Grove made (templates, branches and spares) and their state (ready, unfinished, orphaned)") { json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await context.SettleInterruptedAsync(cancellationToken).ConfigureAwait(false);
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var listed = await host.ListDatabasesAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                var items = listed.Select(l => new OwnedDatabaseJson(
                    l.Database.Provider, l.Database.Server, l.Database.Name, OwnedKindNames.Of(l.Database.Kind), l.Database.Worktree, l.Database.Slug, l.Database.Ready, l.State, l.Database.CreatedAt)).ToList();
                Console.Out.WriteLine(JsonSerializer.Serialize(items, DbJson.Default.ListOwnedDatabaseJson));
                return 0;
            }

            var rows = listed.Select(l => (IReadOnlyList<string>)
            [
                l.Database.Provider,
                l.Database.Server,
                l.Database.Provider == "sqlite" ? Path.GetFileName(l.Database.Name) : l.Database.Name,
                OwnedKindNames.Of(l.Database.Kind),
                l.Database.Slug ?? "-",
                l.State,
                l.Database.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ]).ToList();
            Console.Out.Write(TextTable.Render(["PROVIDER", "SERVER", "NAME", "KIND", "WORKTREE", "STATE", "CREATED"], rows));
            if (listed.Any(l => l.State == DatabaseListing.Orphaned))
            {
                Console.Error.WriteLine("grove: orphaned databases belong to worktrees that are gone; 'grove db prune' drops them, 'grove db drop <name>' one of them");
            }

            return 0;
        });
        return command;
    }

    private static Command Drop()
    {
        var name = new Argument<string>("name") { Description = "The orphaned database's name, as 'grove db ls' shows it" };
        var command = new Command("drop", "Drop one orphaned database (its worktree is gone); never a live worktree's, a template, or one Grove did not make") { name };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var dropped = (await host.DropDatabaseAsync(parse.GetValue(name)!, StderrProgress.Instance, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            Console.Out.WriteLine(dropped.Message);
            return 0;
        });
        return command;
    }

    private static Command Prune()
    {
        var command = new Command("prune", "Drop every orphaned database (branches whose worktree is gone); nothing else");
        CommandAction.Set(command, async (_, context, cancellationToken) =>
        {
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var pruned = (await host.PruneDatabasesAsync(StderrProgress.Instance, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            Console.Out.WriteLine(pruned.Message);
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
