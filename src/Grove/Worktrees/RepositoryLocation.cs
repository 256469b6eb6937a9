using Grove.Processes;

namespace Grove.Worktrees;

/// <summary>Where a repository lives, found from any folder inside one of its worktrees.</summary>
/// <param name="CommonGitDirectory">The git directory all worktrees share (<c>git rev-parse --git-common-dir</c>).</param>
/// <param name="CurrentWorktree">The top of the worktree the search started in; null in a bare repository or a git directory.</param>
public sealed record RepositoryLocation(string CommonGitDirectory, string? CurrentWorktree)
{
    /// <summary>Finds the repository that contains <paramref name="directory"/>.</summary>
    internal static async Task<RepositoryLocation> FindAsync(Git git, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(git);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new GroveException($"the folder '{directory}' does not exist", "pass --repo with the path of a git repository");
        }

        var result = await git.TryRunAsync(directory, ["rev-parse", "--path-format=absolute", "--git-common-dir", "--is-inside-work-tree"], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new GroveException(
                $"'{directory}' is not inside a git repository ({result.StandardError.Trim()})",
                "run grove from inside a worktree of your repository, or pass --repo <path>");
        }

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? top = null;
        if (lines.Length > 1 && lines[1] == "true")
        {
            top = (await git.RunAsync(directory, ["rev-parse", "--show-toplevel"], cancellationToken).ConfigureAwait(false)).TrimEnd('\n');
        }

        return new RepositoryLocation(lines[0], top);
    }
}
