using Grove.Slugs;
using Grove.State;

namespace Grove.Worktrees;

/// <summary>
/// <c>grove new</c>: creates a branch (or takes an existing one) and a worktree for it, with its
/// lease reserved first so concurrent creators never share a port or slug.
/// </summary>
internal sealed class WorktreeCreator(WorktreeCatalog catalog)
{
    private readonly WorktreeCatalog _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <param name="branch">The branch to create, or an existing branch not checked out anywhere.</param>
    /// <param name="from">Where a new branch starts; null: the HEAD of <paramref name="startDirectory"/>.</param>
    /// <param name="path">The worktree's folder; null: <c>../&lt;repo&gt;-&lt;slug&gt;</c> beside the primary worktree.</param>
    /// <param name="startDirectory">The folder git runs in, normally the current worktree.</param>
    public async Task<WorktreeSnapshot> CreateAsync(string branch, string? from, string? path, string startDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(branch);
        ArgumentException.ThrowIfNullOrWhiteSpace(startDirectory);
        var git = _catalog.Git;
        await CheckBranchNameAsync(branch, startDirectory, cancellationToken).ConfigureAwait(false);
        var entries = await _catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        var config = await _catalog.LoadRepositoryConfigAsync(entries, cancellationToken).ConfigureAwait(false);
        var holder = entries.FirstOrDefault(e => e.Branch == branch);
        if (holder is { IsPrunable: true })
        {
            throw new GroveException(
                $"branch '{branch}' is still checked out in a worktree whose folder is gone ({holder.Path})",
                $"remove that worktree first with 'grove rm {holder.Path}' (or 'git worktree prune'), then run 'grove new' again");
        }

        if (holder is not null)
        {
            throw new GroveException(
                $"branch '{branch}' is already checked out in the worktree at {holder.Path}",
                "work in that worktree ('grove url' there prints its address), or pick another branch name");
        }

        var exists = (await git.TryRunAsync(startDirectory, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}"], cancellationToken).ConfigureAwait(false)).Succeeded;
        if (exists && from is not null)
        {
            throw new GroveException($"branch '{branch}' already exists, so --from does not apply", $"drop --from to open '{branch}' in a new worktree, or pick a new branch name");
        }

        if (from is not null)
        {
            var start = await git.TryRunAsync(startDirectory, ["rev-parse", "--verify", "--quiet", "--end-of-options", $"{from}^{{commit}}"], cancellationToken).ConfigureAwait(false);
            if (!start.Succeeded)
            {
                throw new GroveException($"--from '{from}' does not name a commit in this repository", "pass a branch, tag or commit that 'git rev-parse' knows");
            }
        }

        var folder = Path.GetFullPath(path ?? DefaultPath(entries, branch), startDirectory);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new GroveException($"the folder {folder} already exists and is not empty", "pass --path with another folder, or move that one away");
        }

        // Recorded before git makes anything (a second run of the branch is refused here), then the lease.
        Creations.Begin(new Creation(branch, folder, BranchCreated: !exists, DateTimeOffset.UtcNow) { Process = Processes.ProcessIdentity.Current });
        var request = new LeaseRequest(folder, branch, IsPrimary: false);
        _catalog.Leases.Assign([request], _catalog.PolicyFor(config) with { FullListing = false });
        string[] arguments = exists
            ? ["worktree", "add", folder, branch]
            : from is null ? ["worktree", "add", "-b", branch, folder] : ["worktree", "add", "-b", branch, folder, from];
        Processes.ProcessResult added;
        // git's 'worktree add' reads every other worktree's admin folder and fails on one that
        // another 'git worktree add' is still writing: grove new adds worktrees one at a time.
        using (await Files.FileLock.AcquireAsync(Path.Combine(_catalog.Store.Folder, "worktree-add.lock"), exclusive: true, TimeSpan.FromMinutes(2), null, cancellationToken).ConfigureAwait(false))
        {
            added = await git.TryRunAsync(startDirectory, arguments, cancellationToken).ConfigureAwait(false);
        }

        if (!added.Succeeded)
        {
            _catalog.Leases.Release(folder);
            Creations.EndMine(branch);
            throw new GroveException($"git could not create the worktree: {added.StandardError.Trim()}", "fix what git reports and run 'grove new' again; nothing was created");
        }

        var head = await git.TryRunAsync(_catalog.CommonGitDirectory, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}"], cancellationToken).ConfigureAwait(false);
        if (head.Succeeded)
        {
            Creations.SetHead(branch, head.StandardOutput.Trim());
        }

        var snapshot = await _catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Worktrees.FirstOrDefault(w => w.Branch == branch)
            ?? throw new GroveException($"git created the worktree at {folder} but does not list it", "run 'git worktree list' to see what git knows");
    }

    /// <summary>The <c>grove new</c> runs in progress (see <see cref="CreationStore"/>).</summary>
    internal CreationStore Creations { get; } = new(catalog.Store);

    /// <summary>
    /// Undoes what a <c>grove new</c> run made (recorded in <paramref name="creation"/>): its worktree,
    /// but only while it holds nothing new (its HEAD still the commit it was made at, no changes:
    /// otherwise an error, and everything is kept); the branch when the run created it, only while it
    /// still points where it did; an empty folder git left; the lease. A worktree or branch that
    /// existed before the run, or that has moved on since, is never touched.
    /// </summary>
    internal async Task UndoAsync(Creation creation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creation);
        var git = _catalog.Git;
        var entries = await _catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        var made = entries.FirstOrDefault(e => SameFolder(e.Path, creation.Path));
        if (made is { IsPrunable: false })
        {
            var changes = (await git.TryRunAsync(made.Path, ["status", "--porcelain", "--untracked-files=normal"], cancellationToken).ConfigureAwait(false)).StandardOutput;
            if (creation.Head is null || made.Head != creation.Head || changes.Length > 0)
            {
                throw new GroveException(
                    $"the worktree {made.Path}, which an interrupted 'grove new {creation.Branch}' made, has work in it now (commits or changes), so Grove keeps it",
                    $"use it as it is (give it its database with 'grove db reset {creation.Branch}'), or remove it yourself with 'grove rm {made.Path}'");
            }

            var removed = await git.TryRunAsync(_catalog.CommonGitDirectory, ["worktree", "remove", "--force", made.Path], cancellationToken).ConfigureAwait(false);
            if (!removed.Succeeded)
            {
                throw new GroveException(
                    $"git could not remove the worktree {made.Path} that this 'grove new' made: {removed.StandardError.Trim()}",
                    $"remove it with 'git worktree remove --force {made.Path}'");
            }
        }
        else if (made is null && Directory.Exists(creation.Path) && !Directory.EnumerateFileSystemEntries(creation.Path).Any())
        {
            Directory.Delete(creation.Path); // the empty folder of a 'git worktree add' killed at its start; one with files is left alone
        }

        if (creation.BranchCreated && creation.Head is not null && made is not { IsPrunable: true } && entries.All(e => e.Branch != creation.Branch || SameFolder(e.Path, creation.Path)))
        {
            // Deleted only while it still points at the commit it was made at: a branch with work since is kept.
            await git.TryRunAsync(_catalog.CommonGitDirectory, ["update-ref", "-d", $"refs/heads/{creation.Branch}", creation.Head], cancellationToken).ConfigureAwait(false);
        }

        _catalog.Leases.Release(creation.Path);
        Creations.End(creation.Branch);
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    private async Task CheckBranchNameAsync(string branch, string directory, CancellationToken cancellationToken)
    {
        var check = await _catalog.Git.TryRunAsync(directory, ["check-ref-format", "--branch", branch], cancellationToken).ConfigureAwait(false);
        if (branch.Length == 0 || !check.Succeeded || check.StandardOutput.TrimEnd('\n') != branch)
        {
            throw new GroveException(
                $"'{branch}' is not a valid branch name",
                "branch names may not contain spaces, '..', '~', '^', ':', '?', '*', '[', '\\', or start with '-'; see 'git help check-ref-format'");
        }
    }

    private static string DefaultPath(IReadOnlyList<WorktreeEntry> entries, string branch)
    {
        var primary = entries[0].Path;
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(primary)) ?? primary;
        var repository = Path.GetFileName(Path.TrimEndingDirectorySeparator(primary));
        if (entries[0].IsBare && repository.EndsWith(".git", StringComparison.Ordinal))
        {
            repository = repository[..^4];
        }

        var readable = Path.Combine(parent, $"{repository}-{Slug.From(branch)}");
        return Directory.Exists(readable) ? Path.Combine(parent, $"{repository}-{Slug.WithSuffix(Slug.From(branch), branch)}") : readable;
    }
}
