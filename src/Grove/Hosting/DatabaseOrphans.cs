using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>One of Grove's databases as <c>grove db ls</c> shows it, with its state: <c>ready</c>, <c>unfinished</c> or <c>orphaned</c>.</summary>
internal sealed record DatabaseListing(OwnedDatabase Database, string State)
{
    public const string Ready = "ready";
    public const string Unfinished = "unfinished";
    public const string Orphaned = "orphaned";

    /// <summary>Its name as shown and as <c>grove db drop</c> takes it (a SQLite file's name, not its path).</summary>
    public string Name => DisplayName(Database);

    public static string DisplayName(OwnedDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider == "sqlite" ? Path.GetFileName(database.FinalName) : database.FinalName;
    }
}

/// <summary>
/// <c>grove db ls</c>, <c>drop</c> and <c>prune</c>: Grove's databases with their state, and the
/// orphaned branches (their worktree is gone, see <see cref="Orphans"/>) dropped on request. Only
/// orphaned branches Grove made are ever dropped here: never a template, a spare, a live
/// worktree's branch or anything Grove did not make.
/// </summary>
internal sealed class DatabaseOrphans(GroveHost host)
{
    public async Task<IReadOnlyList<DatabaseListing>> ListAsync(CancellationToken cancellationToken)
    {
        var worktrees = (await host.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false)).Worktrees;
        return [.. host.Databases.ListOwned().Select(d => new DatabaseListing(d,
            !d.Ready ? DatabaseListing.Unfinished : Orphans.IsOrphaned(d, worktrees) ? DatabaseListing.Orphaned : DatabaseListing.Ready))];
    }

    public async Task<CommandResult> DropAsync(string name, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            var config = await host.DatabaseConfigAsync(cancellationToken).ConfigureAwait(false);
            var worktrees = (await host.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false)).Worktrees;
            var owned = host.Databases.OwnedFor(config);
            var database = owned.FirstOrDefault(d => DatabaseListing.DisplayName(d) == name || d.FinalName == name);
            if (database is null)
            {
                return CommandResult.Refused(
                    $"Grove made no database named '{name}' (in the server and name grove.json configures), and it never drops a database it did not make",
                    "see 'grove db ls' for the databases Grove made");
            }

            if (database.Kind != OwnedKind.Branch)
            {
                return CommandResult.Refused(
                    $"{name} is {(database.Kind == OwnedKind.Template ? "the template" : "a spare branch of the template")}, not an orphaned branch",
                    database.Kind == OwnedKind.Template ? "'grove db template --rebuild' rebuilds it" : "set database.spares to 0 in grove.json to keep none");
            }

            if (!Orphans.IsOrphaned(database, worktrees))
            {
                if (worktrees.FirstOrDefault(w => w.Slug == database.Slug) is { } owner)
                {
                    return CommandResult.Refused(
                        $"{name} is the database of the worktree {owner.Slug} ({owner.Path}), not an orphan",
                        $"'grove db reset {owner.Slug}' replaces it with a fresh branch; 'grove rm {owner.Slug}' drops it with its worktree");
                }

                return CommandResult.Refused(
                    $"{name} belongs to the worktree at {database.Worktree}, which has another branch checked out now: it is kept for when that branch comes back",
                    "leave it for that branch; once that worktree is removed, 'grove db prune' drops it");
            }

            var dropped = await host.Databases.DropOrphanAsync(database, config, progress, cancellationToken).ConfigureAwait(false);
            return CommandResult.Done(dropped ? $"dropped the orphaned database {name}" : $"{name} was gone already; its record is removed");
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(ex.Message, ex.Fix);
        }
    }

    /// <summary>Drops every orphaned branch of the configured database; the message names each.</summary>
    public async Task<CommandResult> PruneAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        try
        {
            var config = await host.DatabaseConfigAsync(cancellationToken).ConfigureAwait(false);
            var worktrees = (await host.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false)).Worktrees;
            var orphans = host.Databases.OwnedFor(config).Where(d => Orphans.IsOrphaned(d, worktrees)).ToList();
            if (orphans.Count == 0)
            {
                return CommandResult.Done("no orphaned databases: every branch Grove made belongs to a worktree");
            }

            var dropped = new List<string>();
            foreach (var orphan in orphans)
            {
                await host.Databases.DropOrphanAsync(orphan, config, progress, cancellationToken).ConfigureAwait(false);
                dropped.Add(DatabaseListing.DisplayName(orphan));
            }

            return CommandResult.Done($"dropped {dropped.Count} orphaned database(s): {string.Join(", ", dropped)}");
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(ex.Message, ex.Fix);
        }
    }
}
