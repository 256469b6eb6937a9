using Grove.Processes;
using System.Globalization;
using Grove.Configuration;
using Grove.Contracts;
using Grove.Databases;
using Grove.Dependencies;
using Grove.State;
using Grove.Supervision;
using Grove.Worktrees;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grove.Hosting;

/// <summary>
/// The engine for one repository, assembled once for every front end (<c>grove up</c>, the
/// AppHost, the CLI's one-shot commands): discovery and watch, the state store, the supervisor
/// with its install and database steps, the spares keeper and Grove's PostgreSQL server. Opened,
/// it answers commands that need no running apps (create, remove, reset a database); started,
/// it runs every worktree's app and publishes versioned snapshots and live logs.
/// </summary>
public sealed class GroveHost : IGroveHost, IAsyncDisposable
{
    private readonly GroveHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DatabaseManager _databases;
    private readonly Supervisor _supervisor;
    private readonly LogHub _logs;
    private readonly GitHub.PullRequestTracker _pullRequests;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _polling;
    private int _started;

    private GroveHost(GroveHostOptions options, RepositoryLocation location, Git git)
    {
        _options = options;
        _time = options.Time ?? TimeProvider.System;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Grove.Host");
        Location = location;
        Catalog = new WorktreeCatalog(git, location.CommonGitDirectory, _time);
        Runs = new RunStore(Catalog.Store);
        _databases = new DatabaseManager(location.CommonGitDirectory, _time, options.DatabaseConnectionString)
        {
            // A repository-wide failure, not one worktree's: the front end shows it (grove up's standard error).
            TemplateRebuildFailed = (reason, fix) => HostLog.TemplateRebuildFailed(_logger, reason, fix),
        };
        _logs = new LogHub(Catalog.Store, _time);
        _pullRequests = new GitHub.PullRequestTracker(Catalog.Store.Folder, _time, (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Grove.GitHub"));
        _supervisor = new Supervisor(
            Catalog,
            options.Supervision with { AppEnvironment = options.AppEnvironment ?? options.Supervision.AppEnvironment },
            [new DependencyStep(new DependencyInstaller(location.CommonGitDirectory)), new DatabaseStep(_databases)],
            _time,
            _logs,
            () => _databases.LocalServerInUse,
            options.LoggerFactory);
    }

    /// <summary>Where the repository is, and the worktree <see cref="GroveHostOptions.RepositoryPath"/> is in.</summary>
    public RepositoryLocation Location { get; }

    /// <summary>Whether this host runs the apps (after <see cref="StartAsync"/>).</summary>
    public bool IsStarted => Volatile.Read(ref _started) == 1;

    /// <inheritdoc/>
    public RepositorySnapshot? Current => _supervisor.Current;

    /// <summary>The apps a killed front end had left running that <see cref="StartAsync"/> stopped: slug and process id.</summary>
    internal IReadOnlyList<(string Slug, int Pid)> OrphansStopped => _supervisor.OrphansStopped;

    internal WorktreeCatalog Catalog { get; }

    internal RunStore Runs { get; }

    internal DatabaseManager Databases => _databases;

    /// <summary>Finds the repository <paramref name="options"/> names and assembles its engine; no app runs yet.</summary>
    public static async Task<GroveHost> OpenAsync(GroveHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RepositoryPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.FrontEnd);
        var git = new Git();
        var location = await RepositoryLocation.FindAsync(git, Path.GetFullPath(options.RepositoryPath), cancellationToken).ConfigureAwait(false);
        return new GroveHost(options, location, git);
    }

    /// <summary>Like <see cref="OpenAsync"/>, for a caller that has found the repository already (the CLI).</summary>
    internal static GroveHost Open(GroveHostOptions options, RepositoryLocation location, Git git)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(git);
        return new GroveHost(options, location, git);
    }

    /// <summary>
    /// Claims the repository (one front end runs its apps at a time: a clear error names the one
    /// that does), stops what a killed predecessor left running, and starts every worktree's app.
    /// </summary>
    /// <param name="gatewayPort">Where this front end's gateway serves the agent API, recorded so the CLI reaches it.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public async Task<RepositorySnapshot> StartAsync(int? gatewayPort, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("the host is already started");
        }

        if (Runs.LiveSupervisor() is { } running)
        {
            _started = 0;
            throw RunStore.AlreadyRunning(running);
        }

        try
        {
            var first = await _supervisor.StartAsync(gatewayPort, _options.FrontEnd, cancellationToken).ConfigureAwait(false);
            HostLog.Started(_logger, Catalog.CommonGitDirectory, _options.FrontEnd, first.Worktrees.Length);
            _supervisor.ShowPullRequests(GitHub.PullRequestBoard.Load(Catalog.Store.Folder));
            _polling = PollGitHubAsync(_stopping.Token);
            return Current ?? first;
        }
        catch
        {
            _started = 0; // the repository was not claimed, or is released on dispose: a later start may try again
            throw;
        }
    }

    /// <summary>
    /// Throws the error <see cref="StartAsync"/> would (another front end runs this repository's
    /// apps, named with its gateway) without starting anything: for a front end that starts its
    /// gateway first, before the gateway fails on the port the running one holds.
    /// </summary>
    public void ThrowIfAnotherRuns()
    {
        if (Runs.LiveSupervisor() is { } running)
        {
            throw RunStore.AlreadyRunning(running);
        }
    }

    /// <summary>
    /// The worktrees now: this host's own snapshot while it runs the apps; otherwise a fresh read,
    /// with all the front end that runs them recorded (state, step, start time, database), so
    /// every process shows what that front end published. Without one, every app is stopped and
    /// each database as the state store records it (ready, unfinished or pending).
    /// </summary>
    public async Task<RepositorySnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        if (IsStarted && Current is { } current)
        {
            return current;
        }

        var discovered = await Catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var live = Runs.LiveSupervisor() is not null;
        var runs = Runs.ReadAll().Where(r => live || (r.Process is { } process && ChildProcess.GroupRuns(process))).ToDictionary(r => r.Path, StringComparer.Ordinal);
        var database = Catalog.LastConfig?.Database; // the primary's grove.json, or its last good one while it is broken

        return GitHub.PullRequestOverlay.Apply(discovered with
        {
            Worktrees = [.. discovered.Worktrees.Select(w => !runs.TryGetValue(w.Path, out var run)
                ? w with { Database = database is null ? null : _databases.DescribeState(w, database) }
                : live ? w with { State = run.State, StateReason = run.Reason, Step = run.Step, StartedAt = run.StartedAt, Database = run.Database, Warning = run.Warning }
                : w with
                {
                    // A killed front end's app, still running: shown, never taken for stopped.
                    State = WorktreeState.Orphaned,
                    StateReason = $"its process {run.Process!.Pid} still runs, left by a grove up that did not stop cleanly; the next 'grove up' stops it (so does 'grove rm')",
                    StartedAt = run.StartedAt,
                    Database = database is null ? null : _databases.DescribeState(w, database),
                })],
        }, GitHub.PullRequestBoard.Load(Catalog.Store.Folder));
    }


    /// <summary>
    /// The environment <paramref name="worktree"/>'s app gets when it starts, from the same
    /// function the supervisor starts it with (its own grove.json, the primary's env files, its
    /// database branch). <c>DatabaseMissing</c>: a database is configured but its branch is not
    /// made yet, so the connection is left out. Front-end variables (an AppHost's telemetry
    /// endpoint) are included only when this host is that front end.
    /// </summary>
    /// <exception cref="GroveException">The worktree's grove.json or an env file is broken.</exception>
    internal (IReadOnlyList<AppVariable> Variables, bool DatabaseMissing) DescribeAppEnvironment(WorktreeSnapshot worktree, RepositorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(snapshot);
        GroveConfig config;
        try
        {
            config = GroveConfigLoader.LoadFromWorktree(worktree.Path);
        }
        catch (ConfigException) when (worktree.IsPrimary && snapshot.ConfigError is not null && Catalog.LastGood.Recall() is { } lastGood)
        {
            config = lastGood; // the primary's grove.json is broken: its last good one, as the snapshot used (the caller warns)
        }

        var branch = config.Database is null ? null : _databases.DescribeOwned(worktree, config.Database);
        var variables = AppEnvironment.For(
            worktree,
            config.App,
            snapshot.Primary?.Path,
            (_options.AppEnvironment ?? _options.Supervision.AppEnvironment)?.Invoke(worktree),
            branch?.Environment ?? []);
        return (variables, config.Database is not null && branch is null);
    }

    /// <summary>The repository-wide grove.json (the primary worktree's, or the one committed at HEAD of a bare repository).</summary>
    public async Task<GroveConfig> RepositoryConfigAsync(CancellationToken cancellationToken = default)
    {
        var entries = await Catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        return await Catalog.LoadRepositoryConfigAsync(entries, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<RepositorySnapshot> WatchAsync(CancellationToken cancellationToken = default) => _supervisor.WatchAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default) =>
        _supervisor.WaitForAsync(condition, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<LogLine> WatchLogsAsync(string worktree, int history = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(history);
        return _logs.WatchAsync(SlugOf(worktree), history, cancellationToken);
    }

    /// <inheritdoc/>
    public IReadOnlyList<LogLine> ReadLog(string worktree, int tail)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        return _logs.Tail(SlugOf(worktree), tail);
    }

    /// <inheritdoc/>
    public async Task<CommandResult> ExecuteAsync(string worktree, WorktreeCommand command, bool waitForEffect = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktree);
        var result = await ExecuteCoreAsync(worktree, command, waitForEffect, cancellationToken).ConfigureAwait(false);
        HostLog.CommandEnded(_logger, command.Verb(), worktree, result.Outcome, result.Message);
        return result;
    }

    /// <summary>
    /// A branch and a worktree for it, with its own lease and (when grove.json configures one) its
    /// own database: a branch of the template, or a copy of another worktree's data.
    /// </summary>
    public Task<CommandResult> CreateWorktreeAsync(CreateWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Branch); // an empty or bad name is refused with git's rules
        return Logged("new", request.Issue is { } issue ? $"issue #{issue}" : request.Branch, new WorktreeCreation(this).RunAsync(request, progress, cancellationToken));
    }

    /// <summary>
    /// Removes a worktree: refused (nothing changed) when it holds work that would be lost, is
    /// locked or is the primary; otherwise its app is stopped first, then the worktree, its lease
    /// and (unless kept) its database go.
    /// </summary>
    public Task<CommandResult> RemoveWorktreeAsync(RemoveWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Worktree);
        return Logged("rm", request.Worktree, new WorktreeRemoval(this).RunAsync(request, progress, cancellationToken));
    }

    /// <summary>
    /// Removes every worktree whose pull request is merged or closed, with its database and
    /// lease (its branch is kept); a worktree with uncommitted or untracked work, a locked one and
    /// the primary are skipped and named. With <paramref name="dryRun"/>, only lists them.
    /// </summary>
    public Task<GitHub.PruneResult> PruneMergedAsync(bool dryRun, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        GitHub.MergedPrune.RunAsync(this, dryRun, progress, cancellationToken);

    /// <summary>
    /// Posts the validation evidence of a worktree on its pull request as one comment (the commit,
    /// the app's health and URL now, the database branch, and <paramref name="report"/>); run
    /// again, it updates that comment (found by its hidden marker) instead of adding another.
    /// </summary>
    /// <param name="worktree">Its slug, branch or folder.</param>
    /// <param name="report">Markdown to include, such as the end-to-end test output; null for none.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<CommandResult> CommentOnPullRequestAsync(string worktree, string? report, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktree);
        try
        {
            var target = Resolve(await SnapshotAsync(cancellationToken).ConfigureAwait(false), worktree);
            return await GitHub.ValidationComment.PostAsync(this, target, report, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix);
        }
    }

    /// <summary>
    /// Replaces a worktree's database by a fresh branch of the template. While this host runs the
    /// app, through it (stop, reset, start); otherwise directly.
    /// </summary>
    public async Task<CommandResult> ResetDatabaseAsync(string worktree, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktree);
        if (IsStarted)
        {
            return await ExecuteAsync(worktree, WorktreeCommand.ResetDatabase, waitForEffect: true, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var config = await DatabaseConfigAsync(cancellationToken).ConfigureAwait(false);
            var target = Resolve(await SnapshotAsync(cancellationToken).ConfigureAwait(false), worktree);
            if (Runs.LiveSupervisor() is not null && RunsItsApp(target))
            {
                // Its app must not keep using the replaced database: the front end that runs it
                // stops it, resets the database (its database step) and starts it again.
                var name = _databases.Describe(target, config).Name;
                progress?.Report($"grove up runs the app of {target.Slug}: asking it to stop the app, reset {name} and start the app again");
                var through = await ExecuteElsewhereAsync(target.Path, WorktreeCommand.ResetDatabase, waitForEffect: true, cancellationToken).ConfigureAwait(false);
                return through.Succeeded
                    ? CommandResult.Done($"reset {name} for {target.Slug} from the template; its app runs again at {target.Url}", through.Worktree)
                    : through;
            }

            var branch = await _databases.ResetAsync(target, config, progress, cancellationToken).ConfigureAwait(false);
            return CommandResult.Done($"reset {branch.Name} for {target.Slug} from the template", target with { Database = branch.Describe() });
        }
        catch (GroveException ex)
        {
            return CommandResult.Failed(ex.Message, ex.Fix);
        }
    }

    /// <summary>
    /// Whether a front end runs (or is starting) this worktree's app with a database: its own
    /// grove.json, which the supervisor reads, has an app and a database (a broken file counts: the
    /// front end reports it). An app that is stopped, failed or exited holds no connection: its
    /// database is then reset directly and the app stays as it is.
    /// </summary>
    private static bool RunsItsApp(WorktreeSnapshot worktree)
    {
        if (worktree.State is WorktreeState.Stopped or WorktreeState.Failed or WorktreeState.Exited)
        {
            return false;
        }

        try
        {
            var own = GroveConfigLoader.LoadFromWorktree(worktree.Path);
            return own.App is not null && own.Database is not null;
        }
        catch (GroveException)
        {
            return true;
        }
    }

    /// <summary>Every database Grove made, with its state (ready, unfinished, orphaned: its worktree is gone).</summary>
    internal Task<IReadOnlyList<DatabaseListing>> ListDatabasesAsync(CancellationToken cancellationToken = default) =>
        new DatabaseOrphans(this).ListAsync(cancellationToken);

    /// <summary>Drops one orphaned branch database by name; refuses anything else.</summary>
    internal Task<CommandResult> DropDatabaseAsync(string name, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        Logged("db drop", name, new DatabaseOrphans(this).DropAsync(name, progress, cancellationToken));

    /// <summary>Drops every orphaned branch database of the configured server and name.</summary>
    internal Task<CommandResult> PruneDatabasesAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        Logged("db prune", "orphans", new DatabaseOrphans(this).PruneAsync(progress, cancellationToken));

    /// <summary>
    /// A warning when the template was built from another seed than the current one (say a new
    /// migration under <c>database.seedInputs</c>); null when it is current, not built yet, or no
    /// database is configured. Reads the state store only; never throws for a broken config.
    /// </summary>
    internal async Task<string?> TemplateWarningAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false)).Database is { } config
                && await _databases.TemplateSeedChangedAsync(config, cancellationToken).ConfigureAwait(false)
                ? $"warning: {TemplateSeedWarning.Text}\n  fix: {TemplateSeedWarning.Fix}"
                : null;
        }
        catch (GroveException)
        {
            return null; // the commands that need the config report it
        }
    }

    /// <summary>Builds the template when it is missing or its seed changed (<paramref name="rebuild"/>: always).</summary>
    public async Task<string> EnsureTemplateAsync(bool rebuild, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var config = await DatabaseConfigAsync(cancellationToken).ConfigureAwait(false);
        await _databases.EnsureTemplateAsync(config, rebuild, progress, cancellationToken).ConfigureAwait(false);
        return config.Provider == DatabaseProvider.Postgres ? DatabaseNames.Template(config.Name) : "__template.db";
    }

    /// <summary>
    /// After a one-shot command branched from the template: refills the spares (PostgreSQL) before
    /// the process exits, unless a running front end keeps them full. A failure is a warning (the
    /// command's own work is done), reported through <paramref name="progress"/>.
    /// </summary>
    public async Task RefillSparesAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        DatabaseConfig? config;
        try
        {
            config = (await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false)).Database;
        }
        catch (GroveException)
        {
            return; // the command before reported the config
        }

        if (config is null || IsStarted || !_databases.SparesNeedWork(config) || Runs.LiveSupervisor() is not null)
        {
            return;
        }

        try
        {
            await _databases.RefillSparesAsync(config, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            HostLog.SpareRefillFailed(_logger, ex.Message);
            progress?.Report($"warning: no spare branch was prepared ({ex.Message}); the next worktree's branch is copied from the template instead");
        }
    }

    /// <summary>
    /// Finishes or drops the databases a crashed run left half-made (see
    /// <c>DatabaseManager.SettleInterruptedAsync</c>); a failure is reported through
    /// <paramref name="progress"/>, never thrown (the command that asked goes on).
    /// </summary>
    public async Task SettleInterruptedAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            if ((await SettlingConfigAsync(cancellationToken).ConfigureAwait(false))?.Database is { } config
                && await _databases.SettleInterruptedAsync(config, progress, cancellationToken).ConfigureAwait(false))
            {
                progress?.Report("settled the databases an interrupted grove run left half-made");
            }
        }
        catch (GroveException ex)
        {
            progress?.Report($"warning: what an interrupted grove run left could not be settled now: {ex.Message}");
        }
    }

    /// <summary>
    /// The config whose database server a crashed run's leftovers are settled in: the primary's
    /// grove.json, or while it is broken its last good one (the command that runs reports the
    /// broken file once, as its own warning or error; settling is no reason to report it again).
    /// </summary>
    private async Task<GroveConfig?> SettlingConfigAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException)
        {
            return Catalog.LastGood.Recall();
        }
    }

    /// <summary>
    /// Reads the pull request of every worktree's branch from GitHub when the last read (by any
    /// grove process of the repository) is older than <c>github.pollSeconds</c>; a running host
    /// does this on its own. Nothing happens without a GitHub repository; a failure (rate limit,
    /// no token, GitHub unreachable) keeps the last status and shows as the snapshot's
    /// <see cref="RepositorySnapshot.GitHubNotice"/>.
    /// </summary>
    public async Task RefreshPullRequestsAsync(CancellationToken cancellationToken = default)
    {
        if (IsStarted)
        {
            return; // this host polls on its own
        }

        await RefreshBoardAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<GitHub.PullRequestBoard?> RefreshBoardAsync(CancellationToken cancellationToken)
    {
        var entries = await Catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        GroveConfig config;
        try
        {
            config = await Catalog.LoadRepositoryConfigAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException)
        {
            return null; // reported by the commands that need it
        }

        string[] branches = [.. entries.Where(e => !e.IsBare && e.Branch is not null).Select(e => e.Branch!)];
        return await _pullRequests.RefreshAsync(token => OpenGitHubAsync(config, token), config.GitHub, branches, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>While the host runs the apps: pull request status every poll interval, and <c>github.pruneMerged</c>.</summary>
    private async Task PollGitHubAsync(CancellationToken cancellationToken)
    {
        string? lastPrune = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var interval = TimeSpan.FromSeconds(GitHubConfig.DefaultPollSeconds);
            try
            {
                var config = await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false);
                interval = TimeSpan.FromSeconds(config.GitHub.PollSeconds);
                var board = await RefreshBoardAsync(cancellationToken).ConfigureAwait(false);
                _supervisor.ShowPullRequests(board);
                if (board is not null && config.GitHub.PruneMerged)
                {
                    var pruned = await GitHub.MergedPrune.RunAsync(this, dryRun: false, progress: null, cancellationToken).ConfigureAwait(false);
                    if (pruned.Removed.Count + pruned.Skipped.Count > 0 && (pruned.Removed.Count > 0 || pruned.Summary != lastPrune))
                    {
                        GitHub.GitHubLog.Pruned(_logger, pruned.Summary); // the same worktrees kept for the same reasons are said once
                    }

                    lastPrune = pruned.Summary;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is GroveException or IOException or UnauthorizedAccessException)
            {
                GitHub.GitHubLog.PollFailed(_logger, Catalog.CommonGitDirectory, ex.Message);
            }

            try
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops every app (and Grove's PostgreSQL server when this host started it), then releases the repository.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_polling is not null)
        {
            await _polling.ConfigureAwait(false);
        }

        await _supervisor.DisposeAsync().ConfigureAwait(false);
        await _databases.DisposeAsync().ConfigureAwait(false);
        if (IsStarted)
        {
            HostLog.Stopped(_logger, Catalog.CommonGitDirectory);
        }
    }

    internal async Task<DatabaseConfig> DatabaseConfigAsync(CancellationToken cancellationToken) =>
        (await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false)).Database ?? throw new GroveException(
            "grove.json configures no database",
            "add a \"database\" section to grove.json, for example { \"provider\": \"sqlite\", \"name\": \"app\", \"seed\": \"db/seed.sql\" }");

    /// <summary>Octokit for the repository's GitHub repository; an error naming the fix when there is none.</summary>
    internal async Task<GitHub.GitHubSession> OpenGitHubAsync(CancellationToken cancellationToken) =>
        await TryOpenGitHubAsync(cancellationToken).ConfigureAwait(false) ?? throw new GroveException(
            "Grove does not know this repository's GitHub repository: the origin remote is not on GitHub, and grove.json sets no github.repository",
            "add the remote ('git remote add origin https://github.com/<owner>/<name>.git'), or set \"github\": { \"repository\": \"<owner>/<name>\" } in grove.json");

    /// <summary>Octokit for the repository's GitHub repository; null when neither the origin remote nor grove.json names one.</summary>
    internal async Task<GitHub.GitHubSession?> TryOpenGitHubAsync(CancellationToken cancellationToken) =>
        await OpenGitHubAsync(await RepositoryConfigAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private Task<GitHub.GitHubSession?> OpenGitHubAsync(GroveConfig config, CancellationToken cancellationToken) =>
        GitHub.GitHubSession.OpenAsync(Catalog.Git, Location.CurrentWorktree ?? Location.CommonGitDirectory, Catalog.Store.Folder, config.GitHub, cancellationToken);

    /// <summary>The worktree named by slug, branch or folder, or a clear error listing the known slugs.</summary>
    internal static WorktreeSnapshot Resolve(RepositorySnapshot snapshot, string name) =>
        snapshot.Find(name) ?? throw new GroveException(
            $"no worktree is called '{name}'",
            $"name one by slug, branch or folder; known slugs: {string.Join(", ", snapshot.Worktrees.Select(w => w.Slug))}");

    /// <summary>Deletes a removed worktree's log.</summary>
    internal void ForgetLog(string slug) => _logs.Forget(slug);

    /// <summary>
    /// Stops the app of a worktree and waits until it has stopped: through the front end that runs
    /// it, or, when none runs, its recorded process group (an app a killed front end left running).
    /// True when a front end stopped it (and can start it again).
    /// </summary>
    internal async Task<bool> StopAppAsync(WorktreeSnapshot worktree, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!IsStarted && Runs.LiveSupervisor() is null)
        {
            await StopOrphanedAppAsync(worktree, progress, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var current = IsStarted ? Current?.TryFind(worktree.Path)
            : (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).TryFind(worktree.Path);
        if (current is null || WorktreeCommand.Stop.WhyNot(current) is not null)
        {
            return false; // no app of it runs: here, or in the front end that runs the apps
        }

        var stopped = await ExecuteAsync(worktree.Path, WorktreeCommand.Stop, waitForEffect: true, cancellationToken).ConfigureAwait(false);
        return stopped.Succeeded ? true : throw new GroveException(stopped.Message, stopped.Fix);
    }

    /// <summary>Stops the app a killed front end left running in <paramref name="worktree"/>, when its recorded process (pid and start time) still runs.</summary>
    private async Task StopOrphanedAppAsync(WorktreeSnapshot worktree, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var run = Runs.ReadAll().FirstOrDefault(r => r.Process is not null && string.Equals(r.Path, worktree.Path, StringComparison.Ordinal));
        if (run?.Process is { } process && await ChildProcess.StopOrphanAsync(process, _options.Supervision.StopGrace, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report($"stopped the app of {worktree.Slug} (process {process.Pid}), left running by a grove up that did not stop cleanly");
            Runs.Forget(worktree.Path);
        }
    }

    private async Task<CommandResult> Logged(string verb, string target, Task<CommandResult> work)
    {
        var result = await work.ConfigureAwait(false);
        HostLog.CommandEnded(_logger, verb, target, result.Outcome, result.Message);
        return result;
    }

    private async Task<CommandResult> ExecuteCoreAsync(string name, WorktreeCommand command, bool waitForEffect, CancellationToken cancellationToken)
    {
        if (!IsStarted || Current is not { } snapshot)
        {
            return await ExecuteElsewhereAsync(name, command, waitForEffect, cancellationToken).ConfigureAwait(false);
        }

        WorktreeSnapshot worktree;
        try
        {
            worktree = Resolve(snapshot, name);
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix) with { UnknownWorktree = true };
        }

        try
        {
            if (command.WhyNot(worktree) is { } why)
            {
                return CommandResult.Refused(why, command == WorktreeCommand.Start ? $"restart it with 'grove restart {worktree.Slug}'" : $"start it with 'grove start {worktree.Slug}'") with { Worktree = worktree };
            }

            _supervisor.Execute(worktree.Path, command);
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix) with { Worktree = worktree };
        }

        if (!waitForEffect)
        {
            return CommandResult.Done($"{command.Verb()} of {worktree.Slug} requested", worktree);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.CommandTimeout);
        try
        {
            var after = await _supervisor.WaitForAsync(s => s.TryFind(worktree.Path) is not { } w || command.HasEnded(w), limit.Token).ConfigureAwait(false);
            return command.Result(worktree, after.TryFind(worktree.Path));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var now = Current?.TryFind(worktree.Path);
            return CommandResult.Failed(
                string.Create(CultureInfo.InvariantCulture, $"{command.Verb()} of {worktree.Slug} was carried out, but after {_options.CommandTimeout.TotalSeconds:0} s its app is still {(now is null ? "gone" : WorktreeStateNames.Of(now.State))}"),
                $"see 'grove logs {worktree.Slug}'") with { Worktree = now };
        }
    }

    /// <summary>
    /// A command for the front end that runs the apps in another process (through its agent API):
    /// a host that runs none itself, such as the CLI's, forwards it there.
    /// </summary>
    private async Task<CommandResult> ExecuteElsewhereAsync(string name, WorktreeCommand command, bool waitForEffect, CancellationToken cancellationToken)
    {
        try
        {
            using var remote = RemoteFrontEnd.TryFind(Runs);
            if (remote is null)
            {
                return CommandResult.Refused(
                    "no 'grove up' (or AppHost) runs for this repository, so no app runs to steer",
                    "start it with 'grove up' (in another terminal or in the background)");
            }

            var worktree = Resolve(await SnapshotAsync(cancellationToken).ConfigureAwait(false), name);
            var answer = await remote.PostAsync(worktree.Slug, command.Verb(), cancellationToken).ConfigureAwait(false);
            if (!waitForEffect)
            {
                return CommandResult.Done(answer, worktree);
            }

            var after = await remote.WaitAsync(worktree.Slug, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            var state = Enum.TryParse<WorktreeState>(after.State, ignoreCase: true, out var parsed) ? parsed : WorktreeState.Stopped;
            return command.Result(worktree, worktree with { State = state, StateReason = after.StateReason });
        }
        catch (GroveException ex)
        {
            return CommandResult.Refused(ex.Message, ex.Fix);
        }
    }

    private string SlugOf(string worktree)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktree);
        return Current?.Find(worktree)?.Slug ?? (Slugs.Slug.IsValid(worktree) ? worktree : throw new GroveException(
            $"no worktree is called '{worktree}'",
            $"name one by slug; known slugs: {string.Join(", ", Current?.Worktrees.Select(w => w.Slug) ?? [])}"));
    }
}
