using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>
/// <c>grove new</c> and the dashboard's "new worktree", as one operation: the branch and its
/// worktree (lease reserved first), then its database when grove.json configures one. It either
/// finishes or undoes what it made (never a worktree or branch that existed before); a run that
/// was killed half-way is resumed by the next run of the same branch.
/// </summary>
internal sealed class WorktreeCreation(GroveHost host)
{
    public async Task<CommandResult> RunAsync(CreateWorktreeRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        GitHub.WorktreeIssue? issue = null;
        if (request.Issue is { } number)
        {
            try
            {
                (request, issue) = await new GitHub.IssueWorktree(host).PrepareAsync(request, number, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (GroveException ex)
            {
                return CommandResult.Refused(ex.Message, ex.Fix);
            }
        }

        var result = await CreateAsync(request, progress, cancellationToken).ConfigureAwait(false);
        return issue is not null && result.Worktree is { } made ? result with { Worktree = made with { Issue = issue } } : result;
    }

    private async Task<CommandResult> CreateAsync(CreateWorktreeRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Configuration.GroveConfig config;
        WorktreeSnapshot? source = null;
        var creator = new WorktreeCreator(host.Catalog);
        WorktreeSnapshot? resumed;
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

            resumed = await ResumableAsync(creator, request.Branch, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix);
        }

        WorktreeSnapshot created;
        try
        {
            var startDirectory = request.StartDirectory ?? host.Location.CurrentWorktree ?? host.Location.CommonGitDirectory;
            if (resumed is null)
            {
                progress?.Report($"adding a worktree for {request.Branch} (git worktree add)");
            }

            created = resumed ?? await creator.CreateAsync(request.Branch, request.From, request.Path, startDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(ex.Message, ex.Fix);
        }

        CrashPoint.Reach(CrashPoint.AfterWorktreeAdd);
        if (config.Database is not { } settings)
        {
            creator.Creations.End(request.Branch);
            return CommandResult.Done($"{(resumed is null ? "created" : "finished the interrupted creation of")} {created.Path}", created);
        }

        try
        {
            var branch = source is null
                ? await host.Databases.EnsureBranchAsync(created, settings, progress, cancellationToken, request.ReuseDatabase).ConfigureAwait(false)
                : await host.Databases.BranchFromAsync(created, source, settings, progress, cancellationToken).ConfigureAwait(false);
            creator.Creations.End(request.Branch);
            if (source is null && host.IsStarted)
            {
                host.Databases.KeepSparesFull(settings, message => progress?.Report(message));
            }

            return CommandResult.Done($"{(resumed is null ? "created" : "finished the interrupted creation of")} {created.Path}", created with { Database = branch.Describe() });
        }
        catch (GroveException ex)
        {
            return await UndoAsync(creator, created, request.Branch, ex, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            creator.Creations.GiveUp(request.Branch); // cancelled, or an unexpected error: a later 'grove new' of the branch resumes it
            throw;
        }
    }

    /// <summary>
    /// The worktree of this branch that a killed <c>grove new</c> made, to finish; or, when the
    /// run died before its worktree was whole, what it made is undone and null returned (a fresh
    /// run follows). Null too when no run of this branch was interrupted.
    /// </summary>
    private async Task<WorktreeSnapshot?> ResumableAsync(WorktreeCreator creator, string branch, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (creator.Creations.Find(branch) is not { } interrupted)
        {
            return null;
        }

        if (interrupted.Process is { } other && other != ProcessIdentity.Current && other.IsAlive())
        {
            throw new GroveException(
                $"another 'grove new {branch}' (process {other.Pid}) is making this worktree right now",
                "wait for it to finish, then use its worktree ('grove ls')");
        }

        var snapshot = await host.Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var made = snapshot.Worktrees.FirstOrDefault(w => w.Branch == branch && string.Equals(Path.TrimEndingDirectorySeparator(w.Path), Path.TrimEndingDirectorySeparator(interrupted.Path), StringComparison.Ordinal));
        if (made is not null && !made.IsPrunable)
        {
            progress?.Report($"a 'grove new {branch}' started at {interrupted.StartedAt.ToLocalTime():HH:mm:ss} did not finish: finishing it (worktree {made.Path})");
            return made;
        }

        progress?.Report(interrupted.Head is null
            ? $"a 'grove new {branch}' started at {interrupted.StartedAt.ToLocalTime():HH:mm:ss} died before its worktree was made: undoing what it left"
            : $"a 'grove new {branch}' started at {interrupted.StartedAt.ToLocalTime():HH:mm:ss} did not finish, and its worktree is gone: making it afresh");
        await creator.UndoAsync(interrupted, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The database step failed: the worktree, the branch (when this run created it) and the lease go again, so nothing is left half-made.</summary>
    private static async Task<CommandResult> UndoAsync(WorktreeCreator creator, WorktreeSnapshot created, string branch, GroveException error, CancellationToken cancellationToken)
    {
        var creation = creator.Creations.Find(branch);
        try
        {
            if (creation is not null)
            {
                await creator.UndoAsync(creation, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GroveException undo)
        {
            return CommandResult.Failed(
                $"the database of {created.Path} could not be made ({error.Message}), and undoing the worktree failed too: {undo.Message}",
                undo.Fix) with { Worktree = created };
        }

        var undone = creation is null ? "the worktree was kept"
            : creation.BranchCreated ? $"nothing was kept (worktree {created.Path}, branch '{branch}' and its lease removed)"
            : $"nothing was kept (worktree {created.Path} and its lease removed; branch '{branch}', which existed before, kept)";
        return CommandResult.Failed($"the database of the new worktree could not be made: {error.Message}; {undone}", error.Fix ?? "fix the cause and run 'grove new' again");
    }
}
