namespace Grove.Worktrees;

/// <summary>
/// <c>grove rm</c>: removes one worktree and gives up its lease. Refuses a worktree with
/// uncommitted or untracked changes, ignored files that tools do not regenerate (such as a
/// <c>.env</c>; build output, installed packages and what dev servers generate are not work), or a
/// lock, unless forced; never touches the branch unless asked to, and then deletes only a branch
/// that is merged (checked before anything is removed). Git forgets a worktree even when it could
/// not delete all of its folder (something still wrote into it): the removal then finishes the
/// folder itself, so it is never left half-done.
/// </summary>
internal sealed class WorktreeRemover(WorktreeCatalog catalog)
{
    private const int ChangesShown = 10;

    /// <summary>Ignored folders that tools rebuild (build output, installed packages), so losing them loses nothing.</summary>
    private static readonly HashSet<string> Regenerable = new(StringComparer.Ordinal)
    {
        "bin", "obj", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", "target", ".vs", ".idea", ".next", ".nuxt", ".turbo", ".cache", "coverage", "TestResults",
    };

    /// <summary>Ignored files that tools generate again (a dev server's type stubs, build caches), so losing them loses nothing.</summary>
    private static readonly HashSet<string> RegenerableFiles = new(StringComparer.Ordinal) { "next-env.d.ts", ".eslintcache", ".DS_Store" };

    /// <summary>Endings of ignored files that tools generate again.</summary>
    private static readonly string[] RegenerableEndings = [".tsbuildinfo", ".pyc"];
    private readonly WorktreeCatalog _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>Checks everything that would refuse the removal, and changes nothing; returns the worktree.</summary>
    /// <param name="target">The worktree's slug, branch or folder.</param>
    /// <param name="force">Remove even with changes that would be lost, or when locked.</param>
    /// <param name="deleteBranch">Also delete the branch (refused unless merged).</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public async Task<WorktreeSnapshot> CheckAsync(string target, bool force, bool deleteBranch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        var snapshot = await _catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var worktree = snapshot.Find(target) ?? throw new GroveException(
            $"no worktree is called '{target}'",
            $"name one by slug, branch or folder; known slugs: {string.Join(", ", snapshot.Worktrees.Select(w => w.Slug))}");
        if (worktree.IsPrimary)
        {
            throw new GroveException($"'{target}' is the primary worktree ({worktree.Path}); Grove never removes it", "remove linked worktrees only");
        }

        if (worktree.IsLocked && !force)
        {
            throw new GroveException(
                $"the worktree at {worktree.Path} is locked{(worktree.LockReason is null ? string.Empty : $" ({worktree.LockReason})")}",
                $"unlock it with 'git worktree unlock {worktree.Path}', or pass --force");
        }

        if (!force && !worktree.IsPrunable)
        {
            await RefuseIfChangedAsync(worktree, cancellationToken).ConfigureAwait(false);
        }

        if (deleteBranch && worktree.Branch is not null)
        {
            await RefuseIfUnmergedAsync(worktree.Branch, cancellationToken).ConfigureAwait(false);
        }

        return worktree;
    }

    /// <summary>
    /// Removes the worktree after <see cref="CheckAsync"/>'s checks; returns it as it was, and why
    /// its folder could not be deleted completely (null when it could). When git refuses, nothing
    /// is changed; once git has forgotten the worktree, the folder and the lease go too.
    /// </summary>
    /// <param name="target">The worktree's slug, branch or folder.</param>
    /// <param name="force">Remove even with changes that would be lost, or when locked.</param>
    /// <param name="deleteBranch">Also delete the branch (refused unless merged).</param>
    /// <param name="cancellationToken">Stops the removal.</param>
    public async Task<(WorktreeSnapshot Worktree, string? FolderLeft)> RemoveAsync(string target, bool force, bool deleteBranch, CancellationToken cancellationToken = default)
    {
        var worktree = await CheckAsync(target, force, deleteBranch, cancellationToken).ConfigureAwait(false);
        var git = _catalog.Git;
        List<string> arguments = ["worktree", "remove"];
        if (force)
        {
            arguments.AddRange(worktree.IsLocked ? ["--force", "--force"] : ["--force"]);
        }

        arguments.Add(worktree.Path);
        var removed = await git.TryRunAsync(_catalog.CommonGitDirectory, arguments, cancellationToken).ConfigureAwait(false);
        string? folderLeft = null;
        if (!removed.Succeeded)
        {
            var entries = await _catalog.ListAsync(cancellationToken).ConfigureAwait(false);
            if (entries.Any(e => FolderRemoval.SamePath(e.Path, worktree.Path)))
            {
                throw new GroveException(
                    $"git could not remove the worktree at {worktree.Path}, so nothing was removed: {removed.StandardError.Trim()}",
                    force ? "fix what git reports, then run 'grove rm' again" : "fix what git reports, or pass --force");
            }

            // Git deletes its record of the worktree even when the folder could not be deleted
            // (a file written meanwhile): finish the folder, so the removal is never half-done.
            folderLeft = await FolderRemoval.DeleteAsync(worktree.Path, cancellationToken).ConfigureAwait(false);
        }

        _catalog.Leases.Release(worktree.Path);
        if (deleteBranch && worktree.Branch is not null)
        {
            var deleted = await git.TryRunAsync(_catalog.CommonGitDirectory, ["branch", "-d", worktree.Branch], cancellationToken).ConfigureAwait(false);
            if (!deleted.Succeeded)
            {
                throw new GroveException(
                    $"the worktree was removed, but git kept branch '{worktree.Branch}': {deleted.StandardError.Trim()}",
                    $"delete it yourself with 'git branch -D {worktree.Branch}' if you are sure");
            }
        }

        return (worktree, folderLeft);
    }

    private async Task RefuseIfChangedAsync(WorktreeSnapshot worktree, CancellationToken cancellationToken)
    {
        var status = await _catalog.Git.RunAsync(worktree.Path, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching", "--ignore-submodules=none"], cancellationToken).ConfigureAwait(false);
        var entries = status.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Length > 3).ToList();
        var changes = entries.Where(e => !e.StartsWith("!!", StringComparison.Ordinal)).Select(e => e[3..]).ToList();
        var ignored = entries.Where(e => e.StartsWith("!!", StringComparison.Ordinal)).Select(e => e[3..])
            .Where(path => !IsRegenerable(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Last())).ToList();
        if (changes.Count > 0)
        {
            throw new GroveException(
                $"the worktree at {worktree.Path} has uncommitted or untracked changes: {Shown(changes)}",
                "commit or stash them first, or pass --force to discard them");
        }

        if (ignored.Count > 0)
        {
            throw new GroveException(
                $"the worktree at {worktree.Path} holds ignored files that would be deleted with it: {Shown(ignored)}",
                "copy what you need elsewhere first, or pass --force to delete them");
        }
    }

    private async Task RefuseIfUnmergedAsync(string branch, CancellationToken cancellationToken)
    {
        var git = _catalog.Git;
        var upstream = await git.TryRunAsync(_catalog.CommonGitDirectory, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}@{{upstream}}"], cancellationToken).ConfigureAwait(false);
        var into = upstream.Succeeded ? upstream.StandardOutput.Trim() : "HEAD";
        var merged = await git.TryRunAsync(_catalog.CommonGitDirectory, ["merge-base", "--is-ancestor", $"refs/heads/{branch}", into], cancellationToken).ConfigureAwait(false);
        if (!merged.Succeeded)
        {
            throw new GroveException(
                $"branch '{branch}' is not merged into {(upstream.Succeeded ? "its upstream" : "the primary worktree's HEAD")}, so --delete-branch would lose commits; nothing was removed",
                $"merge it first, or drop --delete-branch (and delete it later with 'git branch -D {branch}' if you are sure)");
        }
    }

    /// <summary>Whether an ignored file or folder (its last path part) is something tools generate again.</summary>
    private static bool IsRegenerable(string name) =>
        Regenerable.Contains(name) || RegenerableFiles.Contains(name) || RegenerableEndings.Any(e => name.EndsWith(e, StringComparison.Ordinal));

    private static string Shown(List<string> paths) =>
        string.Join(", ", paths.Take(ChangesShown)) + (paths.Count > ChangesShown ? $" and {paths.Count - ChangesShown} more" : string.Empty);
}
