namespace Grove.Worktrees;

/// <summary>
/// <c>grove rm</c>: removes one worktree and gives up its lease. Refuses a worktree with
/// uncommitted or untracked changes, or a locked one, unless forced; never touches the branch
/// unless asked to, and then only deletes a fully merged one unless forced.
/// </summary>
public sealed class WorktreeRemover(WorktreeCatalog catalog)
{
    private const int ChangesShown = 10;
    private readonly WorktreeCatalog _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <param name="target">The worktree's slug, branch or folder.</param>
    public async Task<WorktreeSnapshot> RemoveAsync(string target, bool force, bool deleteBranch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        var git = _catalog.Git;
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

        List<string> arguments = ["worktree", "remove"];
        if (force)
        {
            arguments.AddRange(worktree.IsLocked ? ["--force", "--force"] : ["--force"]);
        }

        arguments.Add(worktree.Path);
        var removed = await git.TryRunAsync(_catalog.CommonGitDirectory, arguments, cancellationToken).ConfigureAwait(false);
        if (!removed.Succeeded)
        {
            throw new GroveException($"git could not remove the worktree at {worktree.Path}: {removed.StandardError.Trim()}", "fix what git reports, or pass --force");
        }

        _catalog.Leases.Release(worktree.Path);
        if (deleteBranch && worktree.Branch is not null)
        {
            var deleted = await git.TryRunAsync(_catalog.CommonGitDirectory, ["branch", force ? "-D" : "-d", worktree.Branch], cancellationToken).ConfigureAwait(false);
            if (!deleted.Succeeded)
            {
                throw new GroveException(
                    $"the worktree was removed, but branch '{worktree.Branch}' was kept: {deleted.StandardError.Trim()}",
                    $"merge it first, or delete it anyway with 'git branch -D {worktree.Branch}'");
            }
        }

        return worktree;
    }

    private async Task RefuseIfChangedAsync(WorktreeSnapshot worktree, CancellationToken cancellationToken)
    {
        var status = await _catalog.Git.RunAsync(worktree.Path, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=none"], cancellationToken).ConfigureAwait(false);
        var changes = status.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (changes.Length == 0)
        {
            return;
        }

        var shown = string.Join(", ", changes.Take(ChangesShown).Select(c => c.Length > 3 ? c[3..] : c));
        var more = changes.Length > ChangesShown ? $" and {changes.Length - ChangesShown} more" : string.Empty;
        throw new GroveException(
            $"the worktree at {worktree.Path} has uncommitted or untracked changes: {shown}{more}",
            "commit or stash them first, or pass --force to discard them");
    }
}
