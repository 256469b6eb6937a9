using Grove.Processes;

namespace Grove.Worktrees;

/// <summary>
/// The one place Grove reads a repository's worktrees with their heads, branches, and locked and
/// prunable states: one <c>git worktree list --porcelain -z</c> process, whatever their number.
/// </summary>
/// <remarks>
/// Which path does what: this read, <c>worktree add</c> and <c>remove</c> (<see cref="WorktreeCreator"/>,
/// <see cref="WorktreeRemover"/>) and every other git call go through the git CLI (<see cref="Git"/>).
/// Reading in-process with libgit2 (LibGit2Sharp 0.32.0; that reader is
/// <c>bench/Grove.Bench/LibGit2WorktreeReader.cs</c>) was measured against this read with
/// <c>bench/run ls</c> (2 cores shared with other builds, medians of 21 runs, two runs; README,
/// Benchmarks). Read warm in one process (as <c>grove up</c> does every 2 s), 1 and 50 worktrees:
/// libgit2 0.2–0.3 and 7.8–8.1 ms, git 1.8–1.9 and 3.5–4.0 ms. First read in a fresh process (as
/// each <c>grove ls</c> does): libgit2 21–28 and 33–70 ms, git 23–37 and 25–33 ms. libgit2 opens
/// a repository (admin folder, config, HEAD) per worktree, about 0.15 ms each, while the one git
/// process grows by about 2 ms from 1 to 50: libgit2 is ahead only below roughly a dozen
/// worktrees, by under 2 ms, and about 2x behind at 50. It also lists linked worktrees only,
/// cannot tell why a worktree is prunable, and would need this read as its fallback anyway. So
/// Grove reads with git; to swap, change this class alone.
/// </remarks>
internal static class WorktreeReader
{
    private static readonly string[] Arguments = ["worktree", "list", "--porcelain", "-z"];

    /// <summary>git's own list: the main worktree (or the bare repository) first, then the linked ones.</summary>
    public static async Task<IReadOnlyList<WorktreeEntry>> ReadAsync(Git git, string commonGitDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(git);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        var result = await git.TryRunAsync(commonGitDirectory, Arguments, cancellationToken).ConfigureAwait(false);
        for (var retry = 0; !result.Succeeded && retry < 3; retry++)
        {
            // A 'git worktree add' running at the same moment can leave an admin folder half
            // written for an instant ("failed to read .../commondir"): look again.
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            result = await git.TryRunAsync(commonGitDirectory, Arguments, cancellationToken).ConfigureAwait(false);
        }

        if (!result.Succeeded)
        {
            throw new GroveException(
                $"git could not list the worktrees of {commonGitDirectory}: {result.StandardError.Trim()}",
                "Grove needs git 2.36 or newer (for 'git worktree list -z'); check 'git --version'");
        }

        return WorktreeListParser.Parse(result.StandardOutput);
    }
}
