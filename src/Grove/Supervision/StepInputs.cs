using Grove.Configuration;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// The digest of every step's inputs (lockfiles, seeds) for a worktree: polled while the app
/// runs, a change installs again and restarts it. A step that cannot tell gives an empty part (no
/// restarts from it).
/// </summary>
internal static class StepInputs
{
    public static async Task<string> DigestAsync(IReadOnlyList<IWorktreeStep> steps, WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        foreach (var step in steps)
        {
            try
            {
                parts.Add(await step.InputsAsync(worktree, config, cancellationToken).ConfigureAwait(false));
            }
            catch (GroveException)
            {
                parts.Add(string.Empty);
            }
        }

        return string.Join('|', parts);
    }
}
