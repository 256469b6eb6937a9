using Grove.Hosting;
using Grove.Configuration;
using Grove.Dependencies;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>The install step before each app starts: <see cref="DependencyInstaller"/>, its output in the worktree's log.</summary>
internal sealed class DependencyStep(DependencyInstaller installer) : IWorktreeStep
{
    private readonly DependencyInstaller _installer = installer ?? throw new ArgumentNullException(nameof(installer));

    public string Name => "install";

    public WorktreeState State => WorktreeState.Installing;

    public WorktreeCommand ForcedBy => WorktreeCommand.Reinstall;

    public bool AppliesTo(GroveConfig config) => config?.Install is not { Count: 0 };

    public async Task<StepOutput> RunAsync(WorktreeSnapshot worktree, GroveConfig config, WorktreeLog log, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var progress = new LogProgress(log);
        var report = await _installer.EnsureInstalledAsync(worktree, config, line => log.Write("install", line), progress, force, cancellationToken).ConfigureAwait(false);
        if (report.SkippedReason is not null)
        {
            log.Write("grove", $"nothing to install: {report.SkippedReason}");
        }

        return StepOutput.None;
    }

    public Task<string> InputsAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken) =>
        _installer.FingerprintAsync(worktree, config, cancellationToken);

    public async Task<string?> CompletionKeyAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        return await _installer.CompletionKeyAsync(worktree.Path, config, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> IsInPlaceAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        return _installer.InstalledFilesExistAsync(worktree.Path, config, cancellationToken);
    }
}
