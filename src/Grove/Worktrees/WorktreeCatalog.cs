using Grove.Processes;
using System.Collections.Immutable;
using System.Globalization;
using Grove.Configuration;
using Grove.Ports;
using Grove.State;

namespace Grove.Worktrees;

/// <summary>
/// Lists a repository's worktrees with git, gives each a lease (slug and port) from the state
/// store, and returns them as one immutable <see cref="RepositorySnapshot"/> (every app
/// <see cref="WorktreeState.Stopped"/>: app states are the supervisor's, see <c>GroveHost</c>). One
/// git process per call, whatever the number of worktrees (see <see cref="WorktreeReader"/> for why
/// git and not libgit2).
/// </summary>
internal sealed class WorktreeCatalog
{
    private readonly TimeProvider _time;
    private readonly Func<int, bool> _isPortFree;
    private GroveConfig? _lastGoodConfig;

    public WorktreeCatalog(Git git, string commonGitDirectory, TimeProvider? time = null, Func<int, bool>? isPortFree = null)
    {
        ArgumentNullException.ThrowIfNull(git);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        Git = git;
        CommonGitDirectory = commonGitDirectory;
        _time = time ?? TimeProvider.System;
        _isPortFree = isPortFree ?? PortProbe.IsFree;
        Store = new StateStore(commonGitDirectory);
        Leases = new LeaseStore(Store);
        LastGood = new LastGoodConfig(Store.Folder);
    }

    /// <summary>The primary's last valid grove.json, kept for when it is broken.</summary>
    public LastGoodConfig LastGood { get; }

    /// <summary>The repository-wide config the last <see cref="SnapshotAsync"/> used (the last good one while the file is broken).</summary>
    public GroveConfig? LastConfig => _lastGoodConfig;

    public Git Git { get; }

    public string CommonGitDirectory { get; }

    public StateStore Store { get; }

    public LeaseStore Leases { get; }

    /// <summary>Git's own list of worktrees, the bare repository (when there is one) included; read by <see cref="WorktreeReader"/>.</summary>
    public Task<IReadOnlyList<WorktreeEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        WorktreeReader.ReadAsync(Git, CommonGitDirectory, cancellationToken);

    /// <summary>
    /// The repository-wide settings (ports, gateway): the primary worktree's grove.json, or for a
    /// bare repository the grove.json committed at its HEAD; defaults when there is none.
    /// </summary>
    public async Task<GroveConfig> LoadRepositoryConfigAsync(IReadOnlyList<WorktreeEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var primary = entries.Count > 0 ? entries[0] : null;
        if (primary is null || !primary.IsBare)
        {
            return primary is null ? GroveConfig.Default : GroveConfigLoader.LoadFromWorktree(primary.Path);
        }

        var committed = await Git.TryRunAsync(CommonGitDirectory, ["show", $"HEAD:{GroveConfig.FileName}"], cancellationToken).ConfigureAwait(false);
        return committed.Succeeded
            ? GroveConfigLoader.Parse(committed.StandardOutput, $"{GroveConfig.FileName} at HEAD of {CommonGitDirectory}")
            : GroveConfig.Default;
    }

    /// <summary>Lists, leases and describes every worktree.</summary>
    public async Task<RepositorySnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var entries = await ListAsync(cancellationToken).ConfigureAwait(false);
        GroveConfig config;
        string? configError = null;
        try
        {
            config = await LoadRepositoryConfigAsync(entries, cancellationToken).ConfigureAwait(false);
            _lastGoodConfig = config;
            if (entries.Count > 0 && !entries[0].IsBare)
            {
                LastGood.Remember(entries[0].Path);
            }
        }
        catch (ConfigException ex) when ((_lastGoodConfig ??= LastGood.Recall()) is not null)
        {
            // A long-running user of this catalog (grove up) goes on with the last good config, and
            // so do commands that only read (ls, url, env), from the one kept in the state folder.
            config = _lastGoodConfig!;
            configError = $"{ex.Message} (still using the last good {GroveConfig.FileName})";
        }

        var worktrees = entries.Select((entry, index) => (entry, primary: index == 0)).Where(w => !w.entry.IsBare).ToList();
        var requests = worktrees.Select(w => new LeaseRequest(w.entry.Path, LeaseName(w.entry), w.primary)).ToList();
        var policy = PolicyFor(config);
        var leases = Leases.Assign(requests, policy);
        var gatewayPort = RunningGatewayPort() ?? config.GatewayPort;
        var snapshots = worktrees.Select(w => Describe(w.entry, w.primary, leases[w.entry.Path], gatewayPort) with { Issue = GitHub.IssueFiles.ForBranch(Store.Folder, w.entry.Branch) });
        return new RepositorySnapshot(CommonGitDirectory, [.. snapshots], policy.Now) { ConfigError = configError };
    }

    /// <summary>The lease rules for <paramref name="config"/>, as of now.</summary>
    public LeasePolicy PolicyFor(GroveConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LeasePolicy(config.Ports, _time.GetUtcNow(), _isPortFree);
    }

    /// <summary>What a worktree's slug and port derive from: its branch, or its folder name when detached.</summary>
    public static string LeaseName(WorktreeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Branch ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(entry.Path));
    }

    /// <summary>
    /// The port the running front end's gateway serves on (grove up --port, the AppHost's
    /// WithGatewayPort), which wins over gateway.port in grove.json; null when none runs.
    /// </summary>
    private int? RunningGatewayPort() => new Supervision.RunStore(Store).LiveSupervisor()?.GatewayPort;

    private static WorktreeSnapshot Describe(WorktreeEntry entry, bool primary, Lease lease, int gatewayPort) => new()
    {
        Slug = lease.Slug,
        Branch = entry.Branch,
        Path = entry.Path,
        Head = entry.Head is null || entry.Head.All(c => c == '0') ? null : entry.Head,
        IsPrimary = primary,
        IsDetached = entry.IsDetached,
        Port = lease.Port,
        Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{lease.Port}"),
        GatewayUrl = string.Create(CultureInfo.InvariantCulture, $"http://{lease.Slug}.localhost:{gatewayPort}"),
        State = WorktreeState.Stopped,
        IsLocked = entry.IsLocked,
        LockReason = NullIfEmpty(entry.LockReason),
        IsPrunable = entry.IsPrunable,
        PrunableReason = NullIfEmpty(entry.PrunableReason),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
