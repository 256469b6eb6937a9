using Grove.Hosting;
using Grove.Processes;
using Grove.State;
using Grove.Worktrees;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grove.Supervision;

/// <summary>
/// The engine behind <c>grove up</c>: follows the repository's worktrees live and keeps one
/// <see cref="WorktreeRunner"/> per worktree, started when a worktree appears, restarted when it
/// switches branch, stopped when it goes. Publishes a whole <see cref="RepositorySnapshot"/>
/// (with app states) on every change, records states and process ids in the state store so
/// other grove processes see them (with the gateway port where they reach its agent API, which
/// calls <see cref="Execute"/>), and stops the orphans a killed predecessor left.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    private readonly WorktreeCatalog _catalog;
    private readonly SupervisorOptions _options;
    private readonly IReadOnlyList<IWorktreeStep> _steps;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Lock _gate = new();
    private readonly Lock _publishing = new();
    private readonly Dictionary<string, (WorktreeRunner Runner, AppStatus Status)> _announced = new(StringComparer.Ordinal); // under _publishing
    private RepositorySnapshot? _applied; // the worktrees the last reconcile brought the runners in line with; under _publishing
    private GitHub.PullRequestBoard? _pullRequests; // under _publishing
    private readonly Dictionary<string, WorktreeRunner> _runners = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reconcile = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ProcessIdentity _me = ProcessIdentity.Current;
    private WorktreeWatcher? _watcher;
    private readonly SnapshotPublisher _published = new();
    private readonly LogHub _logs;
    private readonly Func<DatabaseServerInfo?> _databaseServer;
    private Task? _following;
    private bool _claimed;
    private readonly ILoggerFactory _loggers;
    private readonly RunStore _runs;
    private readonly ILogger _logger;

    public Supervisor(WorktreeCatalog catalog, SupervisorOptions? options = null, IReadOnlyList<IWorktreeStep>? steps = null, TimeProvider? time = null)
        : this(catalog, options, steps, time, null, null, null)
    {
    }

    internal Supervisor(WorktreeCatalog catalog, SupervisorOptions? options, IReadOnlyList<IWorktreeStep>? steps, TimeProvider? time, LogHub? logs, Func<DatabaseServerInfo?>? databaseServer, ILoggerFactory? loggers)
    {
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger("Grove.Supervisor");
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = new WorktreeCatalog(catalog.Git, catalog.CommonGitDirectory, time);
        _runs = new RunStore(_catalog.Store);
        _options = options ?? new SupervisorOptions();
        _steps = steps ?? [];
        _time = time ?? TimeProvider.System;
        _logs = logs ?? new LogHub(_catalog.Store, _time);
        _databaseServer = databaseServer ?? (() => null);
    }

    /// <summary>The apps a killed predecessor left running that <see cref="StartAsync(CancellationToken)"/> stopped.</summary>
    public IReadOnlyList<(string Slug, int Pid)> OrphansStopped { get; private set; } = [];

    /// <summary>Every worktree with its app's state; null before <see cref="StartAsync(CancellationToken)"/>.</summary>
    public RepositorySnapshot? Current => _published.Current;

    /// <summary>The current snapshot, then each new one, each subscriber on its own channel (see <see cref="SnapshotPublisher"/>).</summary>
    public IAsyncEnumerable<RepositorySnapshot> WatchAsync(CancellationToken cancellationToken = default) => _published.WatchAsync(cancellationToken);

    /// <summary>Waits until a published snapshot satisfies <paramref name="condition"/>.</summary>
    public Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default) =>
        _published.WaitForAsync(condition, cancellationToken);

    /// <summary>Where a worktree's log file is (it exists once its app was started).</summary>
    public string LogPath(WorktreeSnapshot worktree) => LogFiles.PathFor(_catalog.Store, worktree);


    /// <summary>Claims the repository, stops orphans of an earlier run, and starts every worktree's app.</summary>
    public Task<RepositorySnapshot> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, cancellationToken);

    /// <inheritdoc cref="StartAsync(CancellationToken)"/>
    /// <param name="gatewayPort">Where the gateway serves the agent API, recorded for other grove processes.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public Task<RepositorySnapshot> StartAsync(int? gatewayPort, CancellationToken cancellationToken) =>
        StartAsync(gatewayPort, SupervisorRecord.DefaultFrontEnd, cancellationToken);

    /// <inheritdoc cref="StartAsync(CancellationToken)"/>
    /// <param name="gatewayPort">Where the gateway serves the agent API, recorded for other grove processes.</param>
    /// <param name="frontEnd">The front end's name (grove up, AppHost), for the others' errors.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public async Task<RepositorySnapshot> StartAsync(int? gatewayPort, string frontEnd, CancellationToken cancellationToken)
    {
        var left = _runs.ClaimSupervisor(_me, gatewayPort, _time.GetUtcNow(), frontEnd);
        _claimed = true;
        var stopped = await Task.WhenAll(left.Select(run => StopOrphanAsync(run, cancellationToken))).ConfigureAwait(false);
        OrphansStopped = [.. left.Zip(stopped).Where(p => p.Second).Select(p => (p.First.Slug, p.First.Process!.Pid))];
        _watcher = new WorktreeWatcher(_catalog, _time) { Logger = _loggers.CreateLogger("Grove.Watcher") };
        var first = await _watcher.StartAsync(cancellationToken).ConfigureAwait(false);
        await ReconcileAsync(first).ConfigureAwait(false);
        _following = FollowAsync(_watcher);
        return Current!;
    }

    /// <summary>Runs <paramref name="command"/> on the worktree named by slug, branch or path.</summary>
    public string Execute(string target, WorktreeCommand command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        var worktree = Current?.Find(target) ?? throw new GroveException(
            $"no worktree is called '{target}'",
            $"name one by slug, branch or folder; known slugs: {string.Join(", ", Current?.Worktrees.Select(w => w.Slug) ?? [])}");
        WorktreeRunner? runner;
        lock (_gate)
        {
            _runners.TryGetValue(worktree.Path, out runner);
        }

        if (runner is null)
        {
            throw new GroveException($"the worktree '{target}' has no app runner (its folder is missing?)", "run 'grove ls' to see its state");
        }

        if (command != WorktreeCommand.Stop)
        {
            RefuseIfConfigBroken(worktree, command);
        }

        if (command == WorktreeCommand.ResetDatabase && !HasDatabase(worktree))
        {
            throw new GroveException(
                $"the grove.json of worktree '{worktree.Slug}' configures no database, so there is none to reset",
                $"add a \"database\" section to {Path.Combine(worktree.Path, Configuration.GroveConfig.FileName)}");
        }

        runner.Post(command);
        return $"{command.Verb()} of {worktree.Slug} requested";
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync().ConfigureAwait(false);
        }

        if (_following is not null)
        {
            await _following.ConfigureAwait(false);
        }

        await _reconcile.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        List<WorktreeRunner> runners;
        lock (_gate)
        {
            runners = [.. _runners.Values];
            _runners.Clear();
        }

        await Task.WhenAll(runners.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
        _published.Complete();
        if (_claimed)
        {
            _runs.ReleaseSupervisor(_me); // a supervisor that never ran holds nothing to give up
        }

        _http.Dispose();
        _reconcile.Dispose();
        _stop.Dispose();
    }

    /// <summary>Stops an app an earlier, killed grove left running, if it is still that very process.</summary>
    private async Task<bool> StopOrphanAsync(RunRecord run, CancellationToken cancellationToken)
    {
        if (run.Process is not null && await ChildProcess.StopOrphanAsync(run.Process, _options.StopGrace, cancellationToken).ConfigureAwait(false))
        {
            SupervisorLog.OrphanStopped(_logger, run.Process.Pid, run.Slug);
            using var log = _logs.Open(run.Slug, run.Path);
            log.Write("grove", $"stopped process {run.Process.Pid}, left running by an earlier grove that did not stop cleanly");
            return true;
        }

        return false;
    }

    /// <summary>Reconciles with each snapshot the watcher publishes (the newest, when several came meanwhile), until it stops.</summary>
    private async Task FollowAsync(WorktreeWatcher watcher)
    {
        try
        {
            await foreach (var snapshot in watcher.WatchAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await ReconcileAsync(snapshot).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    SupervisorLog.ReconcileFailed(_logger, ex); // one failed change must not end the following
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// A worktree git is still adding (<c>git worktree add</c> holds it locked as "initializing"
    /// until its branch is checked out): until then its HEAD may be a placeholder, detached, so its
    /// slug would be its folder's and a database made for that slug would outlive it. Its app starts
    /// once git has finished (the unlock is a change the watcher sees).
    /// </summary>
    private static bool IsBeingAdded(WorktreeSnapshot worktree) => worktree.IsLocked && worktree.LockReason == "initializing";

    /// <summary>Brings the runners in line with a snapshot of the worktrees (one reconcile at a time).</summary>
    private async Task ReconcileAsync(RepositorySnapshot snapshot)
    {
        try
        {
            await _reconcile.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var wanted = snapshot.Worktrees.Where(w => !w.IsPrunable && !IsBeingAdded(w)).ToDictionary(w => w.Path, StringComparer.Ordinal);
            List<WorktreeRunner> retired = [];
            List<WorktreeRunner> added = [];
            lock (_gate)
            {
                foreach (var (path, runner) in _runners.ToList())
                {
                    if (!wanted.TryGetValue(path, out var worktree) || !SameIdentity(runner.Worktree, worktree))
                    {
                        retired.Add(runner);
                        _runners.Remove(path);
                    }
                }
            }

            await Task.WhenAll(retired.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
            foreach (var runner in retired.Where(r => !wanted.ContainsKey(r.Worktree.Path)))
            {
                _runs.Forget(runner.Worktree.Path);
                _logs.Forget(runner.Worktree.Slug); // its worktree is gone: so are its log and its history here
                lock (_publishing)
                {
                    if (_announced.TryGetValue(runner.Worktree.Path, out var announced) && announced.Runner == runner)
                    {
                        _announced.Remove(runner.Worktree.Path);
                    }
                }
            }

            lock (_gate)
            {
                foreach (var worktree in wanted.Values.Where(w => !_runners.ContainsKey(w.Path)))
                {
                    var log = _logs.Open(worktree.Slug, worktree.Path);
                    var runner = new WorktreeRunner(worktree, log, _options, _steps, _time, _http, OnRunnerChanged, PrimaryPath);
                    _runners[worktree.Path] = runner;
                    added.Add(runner);
                }
            }

            lock (_publishing)
            {
                foreach (var runner in added)
                {
                    Announce(runner, runner.Status); // Pending, recorded before any snapshot shows it
                }

                _applied = snapshot;
                Publish(snapshot);
            }

            foreach (var runner in added)
            {
                runner.Start();
            }
        }
        finally
        {
            _reconcile.Release();
        }
    }

    /// <summary>The primary worktree's folder (where env files are read), from the worktrees last reconciled.</summary>
    private string? PrimaryPath()
    {
        lock (_publishing)
        {
            return _applied?.Primary?.Path;
        }
    }

    /// <summary>Shows <paramref name="board"/>'s pull request status on every snapshot from now on (published at once when it changes one).</summary>
    public void ShowPullRequests(GitHub.PullRequestBoard? board)
    {
        lock (_publishing)
        {
            _pullRequests = board;
            if (_applied is { } applied)
            {
                Publish(applied);
            }
        }
    }

    private void OnRunnerChanged(WorktreeRunner runner, AppStatus status)
    {
        // One change at a time, recorded then published: what the state store holds ('grove ls',
        // 'grove wait' in other processes) is what snapshots show, never older, never newer.
        lock (_publishing)
        {
            Announce(runner, status);
            // The worktrees as last reconciled, not the watcher's newest list: a worktree the runners
            // have not caught up with yet (no runner, or one still stopping) is never shown wrong.
            if (_applied is { } applied)
            {
                Publish(applied);
            }
        }
    }

    /// <summary>Records a runner's state in the state store and for the snapshots. Called under the publishing lock.</summary>
    private void Announce(WorktreeRunner runner, AppStatus status)
    {
        _announced[runner.Worktree.Path] = (runner, status);
        SupervisorLog.StateChanged(_logger, runner.Worktree.Slug, status.State, status.Reason);
        _runs.Save(new RunRecord(runner.Worktree.Path, runner.Worktree.Slug, status.State, status.Reason, status.Process, _time.GetUtcNow())
        {
            Step = status.Step,
            StartedAt = status.StartedAt,
            Database = status.Database,
            Warning = status.Warning,
        });
    }

    /// <summary>Publishes the discovered worktrees overlaid with their runners' states.</summary>
    private void Publish(RepositorySnapshot discovered)
    {
        // One publisher at a time, so a later state is never overwritten by an earlier one.
        lock (_publishing)
        {
            RepositorySnapshot next;
            lock (_gate)
            {
                // A runner's last announced state (a retired one's too, while it stops); every runner
                // is announced before the snapshot that first holds its worktree.
                var worktrees = discovered.Worktrees.Select(w =>
                    _announced.TryGetValue(w.Path, out var announced) && SameIdentity(announced.Runner.Worktree, w) ? Overlay(w, announced.Status)
                    : w);
                next = GitHub.PullRequestOverlay.Apply(
                    discovered with { Worktrees = [.. worktrees], TakenAt = _time.GetUtcNow(), DatabaseServer = _databaseServer() },
                    _pullRequests);
            }

            _published.Publish(next);
        }
    }

    /// <summary>
    /// A restart (or start, reinstall, reset) with a broken grove.json would stop a healthy app and
    /// then fail: refused before anything is stopped, with the config's error.
    /// </summary>
    private static void RefuseIfConfigBroken(WorktreeSnapshot worktree, WorktreeCommand command)
    {
        try
        {
            Configuration.GroveConfigLoader.LoadFromWorktree(worktree.Path);
        }
        catch (Configuration.ConfigException ex)
        {
            throw new GroveException(
                $"{command.Verb()} of {worktree.Slug} refused: its {Configuration.GroveConfig.FileName} is broken, so the app was left as it is: {ex.Message}",
                $"fix {Path.Combine(worktree.Path, Configuration.GroveConfig.FileName)}, then run it again (a running app follows a changed, valid {Configuration.GroveConfig.FileName} by itself)");
        }
    }

    /// <summary>Whether the worktree's own grove.json (what its runner reads) has a database; a broken one is its runner's to report.</summary>
    private static bool HasDatabase(WorktreeSnapshot worktree)
    {
        try
        {
            return Configuration.GroveConfigLoader.LoadFromWorktree(worktree.Path).Database is not null;
        }
        catch (GroveException)
        {
            return true;
        }
    }

    private static WorktreeSnapshot Overlay(WorktreeSnapshot worktree, AppStatus status) => worktree with
    {
        State = status.State,
        StateReason = status.Reason,
        Step = status.Step,
        StartedAt = status.StartedAt,
        Database = status.Database,
        Warning = status.Warning,
    };

    private static bool SameIdentity(WorktreeSnapshot a, WorktreeSnapshot b) =>
        a.Path == b.Path && a.Branch == b.Branch && a.Slug == b.Slug && a.Port == b.Port && a.GatewayUrl == b.GatewayUrl;
}
