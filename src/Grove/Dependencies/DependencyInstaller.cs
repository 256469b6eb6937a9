using System.Diagnostics;
using Grove.Configuration;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Dependencies;

/// <summary>
/// Makes a worktree's dependencies ready before its app starts. For each step (detected from
/// lockfiles, or from grove.json's <c>install</c>), in order: nothing when this worktree already
/// holds an install of the same inputs; else a tree installed from the same inputs (cache, or
/// another worktree) materialised and verified; else the package manager itself. Any doubt about
/// a copy means a real install. One install at a time per worktree, across processes.
/// </summary>
internal sealed class DependencyInstaller
{
    private const int TailLines = 40;
    private static readonly Dictionary<string, string?> QuietEnvironment = new()
    {
        ["NO_UPDATE_NOTIFIER"] = "1",
        ["npm_config_update_notifier"] = "false",
        ["DOTNET_NOLOGO"] = "1",
    };

    private readonly DependencyPaths _paths;
    private readonly InstallMarkers _markers;
    private readonly InstallCache _cache;
    private readonly ToolVersions _versions;
    private readonly Git _git;

    public DependencyInstaller(string commonGitDirectory, TimeProvider? time = null, Git? git = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonGitDirectory);
        CommonGitDirectory = commonGitDirectory;
        _paths = new DependencyPaths(commonGitDirectory);
        _markers = new InstallMarkers(_paths);
        _cache = new InstallCache(_paths);
        _versions = new ToolVersions(time ?? TimeProvider.System);
        _git = git ?? new Git();
    }

    public string CommonGitDirectory { get; }

    /// <summary>The longest one install command may run before it is stopped and reported as failed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Where installed trees are cached: <c>&lt;git-common-dir&gt;/grove/deps/cache</c>.</summary>
    public string CacheFolder => _paths.Cache;

    /// <summary>The steps the worktree at <paramref name="worktreePath"/> needs, in the order they run.</summary>
    public async Task<IReadOnlyList<InstallStep>> PlanAsync(string worktreePath, GroveConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Install is { Count: 0 })
        {
            return [];
        }

        var files = await RepositoryFiles.ListAsync(_git, worktreePath, cancellationToken).ConfigureAwait(false);
        return DependencyDetector.Detect(files, config);
    }

    /// <summary>
    /// A hash of every step and the content of its input files (lockfiles, manifests): it changes
    /// when a lockfile changes, a lockfile appears, or grove.json's install changes. Cheap (one git
    /// call and a few small files): a watcher can compare it on every change and reinstall when it moves.
    /// </summary>
    public Task<string> FingerprintAsync(WorktreeSnapshot worktree, GroveConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        return FingerprintAsync(worktree.Path, config, cancellationToken);
    }

    /// <inheritdoc cref="FingerprintAsync(WorktreeSnapshot, GroveConfig, CancellationToken)"/>
    public async Task<string> FingerprintAsync(string worktreePath, GroveConfig config, CancellationToken cancellationToken = default)
    {
        var steps = await PlanAsync(worktreePath, config, cancellationToken).ConfigureAwait(false);
        return InputHash.Combine(steps.Select(step => InputHash.Fingerprint(worktreePath, step)));
    }

    /// <summary>
    /// What an install of the worktree depends on, for skipping it when a restarted app finds it
    /// unchanged: the <see cref="FingerprintAsync(string, GroveConfig, CancellationToken)"/> of its
    /// steps, and, when a step's inputs are unknown (a custom command, a build), the worktree's
    /// sources (<see cref="SourceState"/>), so an edit still rebuilds.
    /// </summary>
    public async Task<string> CompletionKeyAsync(string worktreePath, GroveConfig config, CancellationToken cancellationToken = default)
    {
        var steps = await PlanAsync(worktreePath, config, cancellationToken).ConfigureAwait(false);
        var key = InputHash.Combine(steps.Select(step => InputHash.Fingerprint(worktreePath, step)));
        return steps.Any(step => !step.CanBeUpToDate)
            ? $"{key}:{await SourceState.DigestAsync(_git, worktreePath, cancellationToken).ConfigureAwait(false)}"
            : key;
    }

    /// <summary>Whether every step's installed files (<c>node_modules</c>, <c>.venv</c>, restore output) are still there; a step whose output is unknown counts as there.</summary>
    public async Task<bool> InstalledFilesExistAsync(string worktreePath, GroveConfig config, CancellationToken cancellationToken = default)
    {
        var steps = await PlanAsync(worktreePath, config, cancellationToken).ConfigureAwait(false);
        return steps.All(step => step.UpToDateFiles.All(file => Path.Exists(Path.Combine(worktreePath, file))));
    }

    /// <summary>
    /// Installs (or reuses) every dependency of <paramref name="worktree"/>, step by step, and
    /// returns what was done. Commands' output goes line by line to <paramref name="outputLine"/>
    /// (the worktree's log); short progress messages to <paramref name="progress"/>.
    /// <paramref name="force"/> installs for real even when up to date or reusable.
    /// </summary>
    /// <exception cref="InstallFailedException">A command failed, could not start or timed out: the app must not start.</exception>
    public async Task<InstallReport> EnsureInstalledAsync(
        WorktreeSnapshot worktree,
        GroveConfig config,
        Action<string> outputLine,
        IProgress<string>? progress,
        bool force,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(outputLine);
        if (!Directory.Exists(worktree.Path))
        {
            throw new GroveException($"the worktree folder {worktree.Path} does not exist", "run 'grove ls' to see the worktrees git knows about");
        }

        if (config.Install is { Count: 0 })
        {
            return new InstallReport(worktree.Path, [], "grove.json sets install to []");
        }

        var steps = await PlanAsync(worktree.Path, config, cancellationToken).ConfigureAwait(false);
        if (steps.Count == 0)
        {
            return new InstallReport(worktree.Path, [], "no lockfile or project file found");
        }

        using var held = await InstallLock.AcquireAsync(
            _paths,
            $"worktree:{worktree.Path}",
            () => progress?.Report($"waiting: another install is running in {worktree.Path}"),
            CommandTimeout,
            $"another install in {worktree.Path}",
            cancellationToken).ConfigureAwait(false);
        var reports = new List<StepReport>();
        foreach (var step in steps)
        {
            var report = await RunStepAsync(worktree, step, outputLine, progress, force, cancellationToken).ConfigureAwait(false);
            progress?.Report(report.Describe());
            reports.Add(report);
        }

        return new InstallReport(worktree.Path, reports, null);
    }

    private async Task<StepReport> RunStepAsync(WorktreeSnapshot worktree, InstallStep step, Action<string> outputLine, IProgress<string>? progress, bool force, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var root = worktree.Path;
        string? key = null;
        if (step.CanBeUpToDate)
        {
            progress?.Report($"{step.Id}: checking");
            var versions = await _versions.GetAsync(step.ToolVersionCommands, Path.Combine(root, step.Folder), cancellationToken).ConfigureAwait(false);
            key = InputHash.Key(root, step, versions);
            if (!force && _markers.Read(root, step.Id) == key && step.UpToDateFiles.All(f => Path.Exists(Path.Combine(root, f))))
            {
                return new StepReport(step, InstallOutcome.UpToDate, key, null, null, 0, clock.Elapsed);
            }
        }

        InstallLock? sameInputs = null;
        try
        {
            if (key is not null && step.IsReusable && !force && await IsIgnoredAsync(root, step, outputLine, cancellationToken).ConfigureAwait(false))
            {
                var reused = await TryReuseAsync(root, step, key, outputLine, progress, cancellationToken).ConfigureAwait(false);
                if (reused is null && !_cache.Contains(key))
                {
                    // Nothing to reuse yet: when another worktree is installing the same inputs right
                    // now, wait for it and reuse its result rather than install the same tree twice.
                    sameInputs = await InstallLock.AcquireAsync(
                        _paths,
                        $"key:{key}",
                        () => progress?.Report($"{step.Id}: waiting for another worktree installing the same dependencies"),
                        CommandTimeout,
                        $"an install of the same dependencies as {step.Id} in {root}",
                        cancellationToken).ConfigureAwait(false);
                    reused = await TryReuseAsync(root, step, key, outputLine, progress, cancellationToken).ConfigureAwait(false);
                }

                if (reused is { } done)
                {
                    _markers.Write(root, step.Id, key, TreeEntry.Digest(done.Entries));
                    return new StepReport(step, InstallOutcome.Reused, key, done.Method, _cache.EntryFolder(key), done.Entries.Count, clock.Elapsed);
                }
            }

            return await InstallAsync(worktree, step, key, outputLine, progress, clock, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sameInputs?.Dispose();
        }
    }

    /// <summary>Runs the step's commands; records the result (and caches a reusable tree) when they succeed.</summary>
    private async Task<StepReport> InstallAsync(WorktreeSnapshot worktree, InstallStep step, string? key, Action<string> outputLine, IProgress<string>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var root = worktree.Path;
        if (key is not null)
        {
            _markers.Remove(root, step.Id);
        }

        progress?.Report($"{step.Id}: installing with {step.Describe()}");
        foreach (var command in step.Commands)
        {
            await RunCommandAsync(worktree, step, command, outputLine, cancellationToken).ConfigureAwait(false);
        }

        if (key is not null)
        {
            Record(root, step, key, outputLine, cancellationToken);
        }

        return new StepReport(step, InstallOutcome.Installed, key, null, null, 0, clock.Elapsed);
    }

    /// <summary>Materialises a matching tree from the cache (filling the cache from another worktree first when needed); null when none can be used.</summary>
    private async Task<(CopyMethod Method, IReadOnlyList<TreeEntry> Entries)?> TryReuseAsync(string root, InstallStep step, string key, Action<string> outputLine, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var output = step.Output!;
        if (!_cache.Contains(key))
        {
            foreach (var (other, digest) in _markers.WorktreesWith(step.Id, key, root))
            {
                var source = Path.Combine(other, output);
                if (!File.Exists(Path.Combine(other, step.Sentinel!)))
                {
                    continue;
                }

                progress?.Report($"{step.Id}: caching {output} of {other}");
                var entries = TreeWalker.Walk(source).ToList();
                var refused = TreeEntry.Digest(entries) != digest
                    ? "it changed after it was installed (a file edited, added or removed)"
                    : _cache.Store(key, step.Id, source, entries, other, step.AllowsHardlinks, cancellationToken);
                if (refused is null)
                {
                    break;
                }

                outputLine($"grove: not reusing {source}: {refused}");
            }
        }

        if (!_cache.Contains(key))
        {
            return null;
        }

        progress?.Report($"{step.Id}: reusing {output} installed from the same inputs");
        _markers.Remove(root, step.Id);
        var target = Path.Combine(root, output);
        DependencyPaths.DeleteFolder(target);
        try
        {
            var done = _cache.Materialise(key, target, step.AllowsHardlinks, cancellationToken);
            if (!File.Exists(Path.Combine(root, step.Sentinel!)))
            {
                DependencyPaths.DeleteFolder(target);
                _cache.Discard(key);
                outputLine($"grove: the reused {output} lacks {step.Sentinel}; installing instead");
                return null;
            }

            outputLine($"grove: reused {output} ({done.Method.ToString().ToLowerInvariant()}, {done.Entries.Count} entries) from {_cache.EntryFolder(key)}");
            return done;
        }
        catch (TreeChangedException ex)
        {
            outputLine($"grove: not reusing the cached {output}: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Records a successful install: the marker (with the installed tree's digest for a reusable
    /// step) and, for other worktrees, the tree in the cache. A failure to cache never fails the install.
    /// </summary>
    private void Record(string root, InstallStep step, string key, Action<string> outputLine, CancellationToken cancellationToken)
    {
        if (!step.IsReusable || !File.Exists(Path.Combine(root, step.Sentinel!)))
        {
            _markers.Write(root, step.Id, key, null);
            return;
        }

        var output = Path.Combine(root, step.Output!);
        var entries = TreeWalker.Walk(output).ToList();
        _markers.Write(root, step.Id, key, TreeEntry.Digest(entries));
        try
        {
            var refused = _cache.Store(key, step.Id, output, entries, root, step.AllowsHardlinks, cancellationToken);
            if (refused is not null)
            {
                outputLine($"grove: {step.Output} is not cached for other worktrees: {refused}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            outputLine($"grove: {step.Output} could not be cached for other worktrees: {ex.Message}");
        }
    }

    /// <summary>Grove copies into a folder only when git ignores it, so <c>git status</c> stays clean.</summary>
    private async Task<bool> IsIgnoredAsync(string root, InstallStep step, Action<string> outputLine, CancellationToken cancellationToken)
    {
        var result = await _git.TryRunAsync(root, ["check-ignore", "-q", "--", step.Output + "/"], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            outputLine($"grove: {step.Output} is not ignored by git, so Grove installs there instead of copying into it (add it to .gitignore)");
        }

        return result.ExitCode == 0;
    }

    private async Task RunCommandAsync(WorktreeSnapshot worktree, InstallStep step, CommandConfig command, Action<string> outputLine, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(Path.Combine(worktree.Path, command.WorkingDirectory));
        var program = command.Command.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(command.Command)
            ? Path.Combine(folder, command.Command)
            : command.Command;
        var text = CommandLine.Format(command);
        var tail = new OutputTail(TailLines);
        var fix = $"fix the cause shown above, then run 'grove install {worktree.Slug}'";
        outputLine($"$ {text}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        int exitCode;
        try
        {
            var spec = new ProcessSpec(program, command.Args, folder) { Environment = QuietEnvironment };
            exitCode = await ProcessRunner.RunStreamingAsync(
                spec,
                line =>
                {
                    tail.Add(line);
                    outputLine(line);
                },
                timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InstallFailedException(worktree.Path, step.Id, text, null, tail.Lines, $"did not finish within {CommandTimeout.TotalMinutes:0} minutes and was stopped", fix);
        }
        catch (GroveException ex) when (ex is not InstallFailedException)
        {
            throw new InstallFailedException(worktree.Path, step.Id, text, null, tail.Lines, $"could not start ({ex.Message})", ex.Fix ?? fix);
        }

        if (exitCode != 0)
        {
            throw new InstallFailedException(worktree.Path, step.Id, text, exitCode, tail.Lines, $"exited with code {exitCode}", fix);
        }
    }
}
