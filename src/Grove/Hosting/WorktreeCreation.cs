using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>
/// <c>grove new</c> and the dashboard's "new worktree": the branch and its worktree (lease
/// reserved first), then its database when grove.json configures one.
/// </summary>
internal sealed class WorktreeCreation(GroveHost host)
{
    public async Task<CommandResult> RunAsync(CreateWorktreeRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Configuration.GroveConfig config;
        WorktreeSnapshot? source = null;
        try
        {
            config = await host.RepositoryConfigAsync(cancellationToken).ConfigureAwait(false);
            if (request.DatabaseFrom is { } sourceName)
            {
                if (config.Database is null)
                {
                    return CommandResult.Refused("--db-from needs a database, and grove.json configures none", "add a \"database\" section to grove.json, or drop --db-from");
                }

                source = GroveHost.Resolve(await host.SnapshotAsync(cancellationToken).ConfigureAwait(false), sourceName);
            }
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix);
        }

        WorktreeSnapshot created;
        try
        {
            var startDirectory = request.StartDirectory ?? host.Location.CurrentWorktree ?? host.Location.CommonGitDirectory;
            created = await new WorktreeCreator(host.Catalog).CreateAsync(request.Branch, request.From, request.Path, startDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(ex.Message, ex.Fix);
        }

        if (config.Database is not { } settings)
        {
            return CommandResult.Done($"created {created.Path}", created);
        }

        try
        {
            var branch = source is null
                ? await host.Databases.EnsureBranchAsync(created, settings, progress, cancellationToken).ConfigureAwait(false)
                : await host.Databases.BranchFromAsync(created, source, settings, progress, cancellationToken).ConfigureAwait(false);
            if (source is null && host.IsStarted)
            {
                host.Databases.KeepSparesFull(settings, message => progress?.Report(message));
            }

            return CommandResult.Done($"created {created.Path}", created with { Database = branch.Describe() });
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(
                $"the worktree {created.Path} was created, but its database was not: {ex.Message}",
                $"{ex.Fix ?? "fix the cause"}; then give it its database with 'grove db reset {created.Slug}'") with { Worktree = created };
        }
    }
}
