using Grove.Worktrees;
using LibGit2Sharp;

namespace Grove.Bench;

/// <summary>
/// The libgit2 path that <c>bench/run ls</c> measures against Grove's git read
/// (<see cref="WorktreeReader"/>, which says why Grove reads with git). Kept here, not in the
/// engine, so the engine ships no native library it does not use; it is complete (locked states
/// as git gives them, git's answer where libgit2 falls short) so it could replace that read.
/// Lists the worktrees in-process with libgit2 (LibGit2Sharp), no git process: the main worktree
/// from the repository itself, the linked ones from <c>repo.Worktrees</c> (libgit2 lists linked
/// worktrees only), each opened for its HEAD and branch. It answers only when it can describe
/// every worktree as git would, and returns null otherwise so that the caller asks git: an admin
/// folder libgit2 does not list or cannot validate (half written by a concurrent
/// <c>git worktree add</c>, a prunable worktree, a locked one whose folder is gone), a worktree
/// that does not open, a layout other than <c>&lt;main&gt;/.git</c> or a bare repository, a
/// repository libgit2 cannot read (an extension it lacks), or no usable native libgit2. The
/// benchmark checks that it lists what git lists (a locked worktree with a reason and a detached
/// one among the 50) before timing either.
/// </summary>
internal static class LibGit2WorktreeReader
{
    public static IReadOnlyList<WorktreeEntry>? TryRead(string commonGitDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        try
        {
            return Read(Path.TrimEndingDirectorySeparator(Path.GetFullPath(commonGitDirectory)));
        }
        catch (LibGit2SharpException)
        {
            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return null;
        }
    }

    private static List<WorktreeEntry>? Read(string common)
    {
        using var repository = new Repository(common);
        var main = MainWorktree(repository, common);
        if (main is null)
        {
            return null;
        }

        var entries = new List<WorktreeEntry> { main };
        foreach (var worktree in repository.Worktrees)
        {
            if (worktree is null)
            {
                return null; // listed by libgit2 but not valid: git says whether it is prunable, and why
            }

            using var linked = worktree.WorktreeRepository;
            entries.Add(WithHead(new WorktreeEntry(WorkingDirectory(linked)), linked) with
            {
                IsLocked = worktree.IsLocked,
                LockReason = LockReason(worktree.LockReason),
            });
        }

        // libgit2 skips an admin folder that lacks one of its files; git may still list it.
        var adminFolders = Path.Combine(common, "worktrees");
        var expected = Directory.Exists(adminFolders) ? Directory.GetDirectories(adminFolders).Length : 0;
        return entries.Count - 1 == expected ? entries : null;
    }

    /// <summary>The main worktree as git names it: the folder holding <c>.git</c>, or the bare repository itself.</summary>
    private static WorktreeEntry? MainWorktree(Repository repository, string common)
    {
        if (repository.Info.IsBare)
        {
            return new WorktreeEntry(common) { IsBare = true };
        }

        var folder = Path.GetDirectoryName(common);
        return Path.GetFileName(common) == ".git" && folder is not null && WorkingDirectory(repository) == folder
            ? WithHead(new WorktreeEntry(folder), repository)
            : null;
    }

    private static WorktreeEntry WithHead(WorktreeEntry entry, Repository repository)
    {
        var head = repository.Refs.Head;
        return head is SymbolicReference symbolic
            ? entry with { BranchRef = symbolic.TargetIdentifier, Head = symbolic.ResolveToDirectReference()?.TargetIdentifier }
            : entry with { IsDetached = true, Head = head?.TargetIdentifier };
    }

    /// <summary>libgit2 gives the lock file's content as it is; git trims it (and an empty one is no reason).</summary>
    private static string? LockReason(string? content) =>
        content?.Trim(' ', '\t', '\n', '\r', '\v', '\f') is { Length: > 0 } reason ? reason : null;

    private static string WorkingDirectory(Repository repository) =>
        Path.TrimEndingDirectorySeparator(repository.Info.WorkingDirectory ?? throw new LibGit2SharpException("a worktree without a working directory"));
}
