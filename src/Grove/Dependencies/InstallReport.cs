namespace Grove.Dependencies;

/// <summary>What <see cref="DependencyInstaller.EnsureInstalledAsync"/> did for one worktree, step by step, in order.</summary>
/// <param name="WorktreePath">The worktree.</param>
/// <param name="Steps">One report per step; empty when there was nothing to install.</param>
/// <param name="SkippedReason">Why nothing was installed (install is [] in grove.json, or no lockfile found); null otherwise.</param>
internal sealed record InstallReport(string WorktreePath, IReadOnlyList<StepReport> Steps, string? SkippedReason)
{
    public bool Skipped => SkippedReason is not null;
}
