using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>
/// <c>grove rm</c> and the dashboard's "remove worktree": refused before anything changes when
/// work would be lost; the app is stopped before the folder goes (by the front end that runs it,
/// or, when none runs, by its recorded process group: an app a killed <c>grove up</c> left
/// running), then the worktree, its lease and its database (unless kept). Either all of it
/// happens, or (git refused) nothing does.
/// </summary>
internal sealed class WorktreeRemoval(GroveHost host)
{
    public async Task<CommandResult> RunAsync(RemoveWorktreeRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var remover = new WorktreeRemover(host.Catalog);
        Configuration.DatabaseConfig? database;
        WorktreeSnapshot worktree;
        try
        {
            database = (await host.RepositoryConfigAsync(cancellationToken).ConfigureAwait(false)).Database;
            worktree = await remover.CheckAsync(request.Worktree, request.Force, request.DeleteBranch, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix);
        }

        bool stopped;
        try
        {
            stopped = await host.StopAppAsync(worktree, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed($"the app of {worktree.Slug} could not be stopped, so its worktree was kept: {ex.Message}", ex.Fix);
        }

        WorktreeSnapshot removed;
        string? folderLeft;
        try
        {
            // Checked again: the app, while it stopped, may have left files that would be lost.
            (removed, folderLeft) = await remover.RemoveAsync(worktree.Path, request.Force, request.DeleteBranch, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            if (stopped)
            {
                await host.ExecuteAsync(worktree.Path, WorktreeCommand.Start, waitForEffect: false, CancellationToken.None).ConfigureAwait(false);
            }

            return CommandResult.Failed(ex.Message, ex.Fix);
        }

        var creations = new CreationStore(host.Catalog.Store);
        if (removed.Branch is { } branch && creations.Find(branch) is { } interrupted
            && string.Equals(Path.TrimEndingDirectorySeparator(interrupted.Path), Path.TrimEndingDirectorySeparator(removed.Path), StringComparison.Ordinal))
        {
            creations.End(branch); // an interrupted 'grove new' of this worktree: nothing of it is left to finish
        }

        if (!host.IsStarted && host.Runs.LiveSupervisor() is null)
        {
            host.ForgetLog(removed.Slug); // otherwise the front end that runs the apps drops it once it has stopped the app
        }

        var branchNote = removed.Branch is null ? string.Empty
            : request.DeleteBranch ? $"; branch '{removed.Branch}' deleted" : $"; branch '{removed.Branch}' kept";
        var databaseNote = string.Empty;
        if (database is not null)
        {
            var name = host.Databases.Describe(removed, database).Name;
            if (request.KeepDatabase)
            {
                databaseNote = host.Databases.DescribeOwned(removed, database) is null
                    ? $"; it had no database of Grove's ({name} was never made)"
                    : $"; database {name} kept";
            }
            else
            {
                try
                {
                    var dropped = await host.Databases.DropAsync(removed, database, progress, cancellationToken).ConfigureAwait(false);
                    databaseNote = dropped
                        ? $"; database {name} dropped"
                        : $"; no database of Grove's named {name} to drop (never made, or not Grove's: left alone)";
                }
                catch (GroveException ex)
                {
                    return CommandResult.Failed($"the worktree {removed.Path} was removed, but its database {name} was kept: {ex.Message}", ex.Fix) with { Worktree = removed };
                }
            }
        }

        var done = $"removed {removed.Path} (slug {removed.Slug}, port {removed.Port} released){branchNote}{databaseNote}";
        return folderLeft is null
            ? CommandResult.Done(done, removed)
            : CommandResult.Failed($"{done}; but what is left of its folder could not be deleted: {folderLeft}", $"stop what still writes into {removed.Path}, then delete the folder") with { Worktree = removed };
    }
}
