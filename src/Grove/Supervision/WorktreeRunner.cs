using Grove.Hosting;
using System.Globalization;
using System.Threading.Channels;
using Grove.Configuration;
using Grove.Ports;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// Runs one worktree's app: the steps before it (install, database), then the app itself in its
/// own process group, its health checks, restarts with backoff after crashes, and the commands
/// restart, stop and start. Every change of state is reported through the callback.
/// </summary>
internal sealed partial class WorktreeRunner : IAsyncDisposable
{
    private static readonly TimeSpan InputsCheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StartingPoll = TimeSpan.FromMilliseconds(50);
    private readonly SupervisorOptions _options;
    private readonly IReadOnlyList<IWorktreeStep> _steps;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly Action<WorktreeRunner, AppStatus> _changed;
    private readonly Channel<WorktreeCommand> _commands = Channel.CreateUnbounded<WorktreeCommand>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private readonly HashSet<WorktreeCommand> _forced = []; // commands that asked steps to redo their work
    private readonly CompletedSteps _completed = new();
    private readonly HashSet<string> _skippedUnproven = new(StringComparer.Ordinal); // skipped on a fresh start, the app not healthy since
    private string? _warning; // the running app's, from its last successful health check
    private AppStatus _status = new(WorktreeState.Pending, null, null);
    private WorktreeStep? _step;
    private DateTimeOffset? _startedAt;
    private WorktreeDatabase? _database;
    private readonly Func<string?> _primaryPath;

    /// <param name="primaryPath">The primary worktree's folder, where <c>app.envFiles</c> are read; null while unknown.</param>
    public WorktreeRunner(WorktreeSnapshot worktree, WorktreeLog log, SupervisorOptions options, IReadOnlyList<IWorktreeStep> steps, TimeProvider time, HttpClient http, Action<WorktreeRunner, AppStatus> changed, Func<string?> primaryPath)
    {
        Worktree = worktree;
        _primaryPath = primaryPath;
        Log = log;
        _options = options;
        _steps = steps;
        _time = time;
        _http = http;
        _changed = changed;
    }

    /// <summary>The worktree as discovered (its own state fields are not kept up to date here).</summary>
    public WorktreeSnapshot Worktree { get; }

    public WorktreeLog Log { get; }

    public AppStatus Status => Volatile.Read(ref _status);

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    /// <summary>
    /// Queues a command. A restart or stop shows <see cref="WorktreeState.Stopping"/> at once, so
    /// nobody takes the old process for the running app while it is being stopped.
    /// </summary>
    public void Post(WorktreeCommand command)
    {
        lock (_gate)
        {
            _commands.Writer.TryWrite(command);
            var requested = $"{command.Verb()} requested";
            if (command != WorktreeCommand.Start && Status.State is WorktreeState.Installing or WorktreeState.BranchingDatabase or WorktreeState.Starting or WorktreeState.Running or WorktreeState.Unhealthy)
            {
                Set(WorktreeState.Stopping, requested, Status.Process);
            }
            else if (command != WorktreeCommand.Stop && Status.State is WorktreeState.Stopped or WorktreeState.Failed or WorktreeState.Exited)
            {
                // Shown at once, so 'grove start x && grove wait x' waits for the new run.
                Set(WorktreeState.Pending, requested);
            }
            else
            {
                Log.Write("grove", requested); // logged when asked, not when carried out (after the app stopped)
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        Log.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var wanted = true;
        var crashes = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!wanted)
                {
                    Set(WorktreeState.Stopped, "stopped on request");
                    wanted = Apply(await _commands.Reader.ReadAsync(cancellationToken).ConfigureAwait(false));
                    continue;
                }

                var outcome = await RunOnceAsync(crashes, cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case RunOutcome.Command command:
                        wanted = Apply(command.Value);
                        crashes = 0;
                        break;
                    case RunOutcome.InputsChanged:
                        Log.Write("grove", "install inputs changed (a lockfile?): installing again, then restarting the app");
                        crashes = 0;
                        break;
                    case RunOutcome.ConfigChanged:
                        Log.Write("grove", $"{GroveConfig.FileName} changed: restarting the app with it");
                        crashes = 0;
                        break;
                    case RunOutcome.Crashed crashed:
                        crashes = crashed.Stable ? 1 : crashes + 1;
                        if (crashes >= _options.MaxCrashes)
                        {
                            Set(WorktreeState.Failed, $"exited {crashes} times in a row, last with code {crashed.ExitCode}; see 'grove logs {Worktree.Slug}'");
                            wanted = Apply(await _commands.Reader.ReadAsync(cancellationToken).ConfigureAwait(false));
                            crashes = 0;
                            break;
                        }

                        var delay = RestartBackoff.After(crashes, _options);
                        Set(WorktreeState.Exited, string.Create(CultureInfo.InvariantCulture, $"exited with code {crashed.ExitCode}; restarting in {delay.TotalSeconds:0.#} s"));
                        var next = await WaitForCommandAsync(delay, cancellationToken).ConfigureAwait(false);
                        if (next is not null)
                        {
                            wanted = Apply(next.Value);
                            crashes = 0;
                        }

                        break;
                    case RunOutcome.Blocked blocked:
                        Set(WorktreeState.Failed, blocked.Reason);
                        if (await WaitForCommandOrNewInputsAsync(blocked.Inputs, cancellationToken).ConfigureAwait(false) is { } taken)
                        {
                            wanted = Apply(taken);
                        }
                        else
                        {
                            Log.Write("grove", $"install inputs (a lockfile?) or {GroveConfig.FileName} changed: trying again");
                        }

                        break;
                    case RunOutcome.Idle idle:
                        Set(WorktreeState.Stopped, idle.Reason);
                        if (await WaitForCommandOrNewConfigAsync(cancellationToken).ConfigureAwait(false) is { } asked)
                        {
                            wanted = Apply(asked);
                        }
                        else
                        {
                            Log.Write("grove", $"{GroveConfig.FileName} changed: trying again");
                        }

                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never let one worktree's runner die silently: show why and wait for a command.
                Log.Write("grove", $"runner error: {ex}");
                Set(WorktreeState.Failed, $"Grove could not run this app: {ex.Message}");
                try
                {
                    wanted = Apply(await _commands.Reader.ReadAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Set(WorktreeState.Stopped, null);
    }

    /// <summary>Prepares and starts the app once, and supervises it until it exits or a command comes.</summary>
    private async Task<RunOutcome> RunOnceAsync(int crashes, CancellationToken cancellationToken)
    {
        // A worktree is often seen the moment 'git worktree add' registers it, before its files are
        // checked out: give its grove.json a moment to appear before calling it "no app configured".
        for (var waited = 0; waited < 20 && !File.Exists(Path.Combine(Worktree.Path, GroveConfig.FileName)); waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }

        GroveConfig config;
        var configText = ConfigText();
        try
        {
            config = GroveConfigLoader.LoadFromWorktree(Worktree.Path);
        }
        catch (ConfigException ex)
        {
            return new RunOutcome.Blocked(ex.Message, null);
        }

        if (config.App is null)
        {
            return new RunOutcome.Idle($"no app configured: add \"app\" to {GroveConfig.FileName} in this worktree");
        }

        var environment = new List<KeyValuePair<string, string>>();
        var inputs = await InputsAsync(config, cancellationToken).ConfigureAwait(false);
        var forced = _forced.ToArray(); // kept when a command cancels the steps: the next run still owes it

        // A command (stop, restart, reinstall) cancels the steps: an install may take minutes.
        using var steps = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = _commands.Reader.WaitToReadAsync(steps.Token).AsTask().ContinueWith(
            arrived => { if (arrived.Status == TaskStatus.RanToCompletion) { steps.Cancel(); } },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _database = config.Database is null ? null
            : _database is { State: WorktreeDatabase.Ready } ? _database
            : _steps.Select(step => step.Plan(Worktree, config)).FirstOrDefault(plan => plan is not null) ?? _database;

        foreach (var step in _steps.Where(step => step.AppliesTo(config)))
        {
            var force = forced.Contains(step.ForcedBy);
            var key = _options.SkipUnchangedSteps ? await CompletionKeyAsync(step, config, cancellationToken).ConfigureAwait(false) : null;
            if (crashes > 0 && _skippedUnproven.Remove(step.Name))
            {
                // What the step made may be gone where Grove cannot see it (a build's output after
                // 'dotnet clean'): the app crashed before it was healthy, so run the step once.
                Log.Write("grove", $"{step.Name}: running it again: the app crashed before it was healthy after a start that skipped it");
            }
            else if (!force && _completed.Find(step.Name, key) is { } done && await step.IsInPlaceAsync(Worktree, config, cancellationToken).ConfigureAwait(false))
            {
                Log.Write("grove", $"{step.Name}: not run again, nothing it depends on changed since it succeeded ('grove {step.ForcedBy.Verb()} {Worktree.Slug}' runs it anyway)");
                environment.AddRange(done.Environment);
                _database = done.Database ?? _database;
                if (crashes == 0)
                {
                    _skippedUnproven.Add(step.Name); // a crash retry's skip follows a run, or a start the app was healthy after
                }

                continue;
            }

            _completed.Forget(step.Name);
            _skippedUnproven.Remove(step.Name);
            _step = new WorktreeStep(step.Name, _time.GetUtcNow());
            Set(step.State, null);
            try
            {
                var output = await step.RunAsync(Worktree, config, Log, force, steps.Token).ConfigureAwait(false);
                environment.AddRange(output.Environment);
                _database = output.Database ?? _database;
                _completed.Record(step.Name, key, output);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _commands.Reader.TryRead(out var command))
            {
                _step = null;
                Log.Write("grove", $"{step.State} cancelled by a {command.Verb()} request");
                return new RunOutcome.Command(command);
            }
            catch (GroveException ex)
            {
                _step = null;
                _forced.Clear();
                if (step.Plan(Worktree, config) is { } failed)
                {
                    _database = failed with { State = WorktreeDatabase.Failed, Reason = ex.Message.Split('\n', 2)[0] };
                }

                Log.Write("grove", ex.Message);
                if (ex.Fix is not null)
                {
                    Log.Write("grove", $"fix: {ex.Fix}");
                }

                return new RunOutcome.Blocked(Summary(ex), inputs);
            }
        }

        _step = null;
        await steps.CancelAsync().ConfigureAwait(false);
        _forced.Clear();

        var run = config.App.Run;
        var folder = Path.GetFullPath(run.WorkingDirectory, Worktree.Path);
        var program = Directory.Exists(folder) ? CommandLocator.Find(run.Command, folder) : null;
        if (program is null)
        {
            return new RunOutcome.Blocked(Directory.Exists(folder)
                ? $"the app command '{run.Command}' was not found (PATH, or relative to {run.WorkingDirectory}); fix app.command in {GroveConfig.FileName}"
                : $"the app folder '{run.WorkingDirectory}' does not exist in this worktree; fix app.workingDirectory in {GroveConfig.FileName}", null);
        }

        if (!PortProbe.IsFree(Worktree.Port))
        {
            return new RunOutcome.Blocked($"port {Worktree.Port} is held by another program; stop it, then 'grove restart {Worktree.Slug}'", null);
        }

        IReadOnlyList<AppVariable> variables;
        try
        {
            variables = AppEnvironment.For(Worktree, config.App, _primaryPath(), _options.AppEnvironment?.Invoke(Worktree), environment);
        }
        catch (GroveException ex)
        {
            Log.Write("grove", ex.Message);
            Log.Write("grove", $"fix: {ex.Fix}");
            return new RunOutcome.Blocked(Summary(ex), null);
        }

        _warning = null;
        Set(WorktreeState.Starting, crashes > 0 ? $"restart {crashes} after a crash" : null);
        var spec = new ProcessSpec(program, run.Args, folder) { Environment = AppEnvironment.ForProcess(variables) };
        Log.Write("grove", $"starting {run.Command} {string.Join(' ', run.Args)} on port {Worktree.Port}");
        await using var child = ChildProcess.Start(spec, (error, line) => Log.Write(error ? "err" : "out", line));
        _startedAt = _time.GetUtcNow();
        Set(WorktreeState.Starting, _status.Reason, child.Identity);
        var outcome = await SuperviseAsync(child, config, configText, inputs, cancellationToken).ConfigureAwait(false);
        if (outcome is RunOutcome.Command or RunOutcome.Stopping or RunOutcome.InputsChanged or RunOutcome.ConfigChanged)
        {
            Log.Write("grove", "stopping the app");
            await child.StopAsync(_options.StopGrace, CancellationToken.None).ConfigureAwait(false);
            Log.Write("grove", "the app has stopped");
        }

        return outcome is RunOutcome.Stopping ? throw new OperationCanceledException(cancellationToken) : outcome;
    }

    /// <summary>
    /// Whether the worktree's grove.json now holds another valid config than the one the app runs
    /// with (<paramref name="running"/>). A broken one is reported once in the log and the app
    /// keeps running with the config it started with.
    /// </summary>
    private bool ConfigChanged(string? running, ref string? seen)
    {
        var text = ConfigText();
        if (text == seen)
        {
            return false;
        }

        seen = text;
        try
        {
            GroveConfigLoader.LoadFromWorktree(Worktree.Path);
        }
        catch (ConfigException ex)
        {
            Log.Write("grove", $"{ex.Message}; the app keeps running with the {GroveConfig.FileName} it started with (fix the file and Grove follows it)");
            return false;
        }

        if (text == running)
        {
            Log.Write("grove", $"{GroveConfig.FileName} is valid again, as the app runs it");
            return false;
        }

        return true;
    }

    /// <summary>The worktree's grove.json as it is now; null when it has none.</summary>
    private string? ConfigText()
    {
        try
        {
            return File.ReadAllText(Path.Combine(Worktree.Path, GroveConfig.FileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private Task<string> InputsAsync(GroveConfig config, CancellationToken cancellationToken) => StepInputs.DigestAsync(_steps, Worktree, config, cancellationToken);

    /// <summary>The step's completion key; null (run it) when it cannot be told, say git failed.</summary>
    private async Task<string?> CompletionKeyAsync(IWorktreeStep step, GroveConfig config, CancellationToken cancellationToken)
    {
        try
        {
            return await step.CompletionKeyAsync(Worktree, config, cancellationToken).ConfigureAwait(false);
        }
        catch (GroveException ex)
        {
            Log.Write("grove", $"{step.Name}: could not tell whether its inputs changed ({ex.Message}); running it");
            return null;
        }
    }

    /// <summary>The first line of a step's error and its fix: the whole output is in the log.</summary>
    private string Summary(GroveException ex)
    {
        var first = ex.Message.Split('\n', 2)[0].Trim();
        if (first.Length > 300)
        {
            first = first[..300] + "…";
        }

        return $"{first}; see 'grove logs {Worktree.Slug}'; {ex.Fix ?? "fix it"}, then 'grove restart {Worktree.Slug}' (a changed lockfile is retried by itself)";
    }

    /// <summary>Notes a command taken from the queue; returns whether the app should run.</summary>
    private bool Apply(WorktreeCommand command)
    {
        if (command is WorktreeCommand.Reinstall or WorktreeCommand.ResetDatabase)
        {
            _forced.Add(command);
        }

        return command != WorktreeCommand.Stop;
    }

    private void Set(WorktreeState state, string? reason, ProcessIdentity? process = null)
    {
        // One change at a time, announced in the order made: a command's Set (another thread) and
        // the loop's never cross, so the last state announced is the runner's state.
        lock (_gate)
        {
            var next = new AppStatus(state, reason, process) { Step = _step, StartedAt = process is null ? null : _startedAt, Database = _database, Warning = process is null ? null : _warning };
            if (next == Volatile.Read(ref _status))
            {
                return;
            }

            var previous = Volatile.Read(ref _status);
            Volatile.Write(ref _status, next);
            if (previous.State != state || previous.Reason != reason)
            {
                Log.Write("grove", reason is null ? $"state {state}" : $"state {state}: {reason}"); // not again when only the process or step changed
            }

            _changed(this, next);
        }
    }
}
