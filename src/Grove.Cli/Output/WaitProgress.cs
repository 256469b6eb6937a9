using Grove.Worktrees;

namespace Grove.Cli.Output;

/// <summary>
/// What <c>grove wait</c> says on standard error while it waits (standard output keeps only the
/// URL): the app's step with its seconds so far, each time the step changes and every
/// <see cref="Every"/> while it lasts.
/// </summary>
internal sealed class WaitProgress(TextWriter writer)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private (WorktreeState State, string? Step)? _last;
    private DateTimeOffset _lastAt;

    /// <summary>Writes a line when the worktree's step changed since the last one, or <see cref="Every"/> has passed.</summary>
    public void Show(WorktreeSnapshot worktree, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        var current = (worktree.State, worktree.Step?.Name);
        if (_last == current && now - _lastAt < Every)
        {
            return;
        }

        _last = current;
        _lastAt = now;
        writer.WriteLine($"grove: waiting for {worktree.Slug}: {AppProgress.Of(worktree, now)}");
    }
}
