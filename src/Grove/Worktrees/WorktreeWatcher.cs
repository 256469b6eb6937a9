namespace Grove.Worktrees;

/// <summary>
/// Keeps a live <see cref="RepositorySnapshot"/>: worktrees added, removed, moved or switched to
/// another branch are noticed through file watching on the git directory (debounced), with a
/// periodic re-read as a safety net for missed events. A new snapshot is published only when
/// something changed; a failed re-read keeps the last good snapshot and reports the error.
/// </summary>
internal sealed class WorktreeWatcher : IAsyncDisposable
{
    private static readonly string[] IgnoredFolders = ["objects", "logs", "grove", "hooks", "info", "lfs"];
    private static readonly string[] IgnoredFiles = ["index", "index.lock", "FETCH_HEAD", "ORIG_HEAD"];

    private readonly WorktreeCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private readonly SnapshotPublisher _published = new();
    private Task? _loop;

    public WorktreeWatcher(WorktreeCatalog catalog, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How often the list is re-read when no file event arrives.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait after a file event for git to finish writing.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Where failed re-reads are reported (they keep the last good snapshot).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>False turns file watching off, leaving only the poll (for file systems without change events).</summary>
    public bool WatchFiles { get; init; } = true;

    /// <summary>The latest snapshot; null before <see cref="StartAsync"/> returns.</summary>
    public RepositorySnapshot? Current => _published.Current;

    /// <summary>The error of the last re-read, null once a re-read succeeds again.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The current snapshot, then each new one (see <see cref="SnapshotPublisher.WatchAsync"/>); ends when the watcher is disposed.</summary>
    public IAsyncEnumerable<RepositorySnapshot> WatchAsync(CancellationToken cancellationToken = default) => _published.WatchAsync(cancellationToken);

    /// <summary>Takes the first snapshot (errors surface here) and starts following changes.</summary>
    public async Task<RepositorySnapshot> StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException("the watcher is already started");
        }

        var first = await _catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        _published.Publish(first);
        _watcher = WatchFiles ? CreateFileWatcher() : null;
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return first;
    }

    /// <summary>Asks for a re-read now, as a file event would.</summary>
    public void Refresh()
    {
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // A late file event after the watcher was disposed.
        }
    }

    /// <summary>Waits until a published snapshot satisfies <paramref name="condition"/>.</summary>
    public Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default) =>
        _published.WaitForAsync(condition, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _watcher?.Dispose();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _published.Complete();
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var signalled = await _signal.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
            if (signalled)
            {
                await Task.Delay(Debounce, _time, cancellationToken).ConfigureAwait(false);
                while (_signal.CurrentCount > 0)
                {
                    await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await RefreshOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var next = await _catalog.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            if (LastError is not null && Logger is not null)
            {
                Supervision.SupervisorLog.WatchRecovered(Logger);
            }

            LastError = null;
            _published.Publish(next);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (LastError?.Message != ex.Message && Logger is not null)
            {
                Supervision.SupervisorLog.WatchFailed(Logger, ex.Message);
            }

            LastError = ex;
        }
    }

    private FileSystemWatcher CreateFileWatcher()
    {
        var watcher = new FileSystemWatcher(_catalog.CommonGitDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite,
            InternalBufferSize = 64 * 1024,
        };
        watcher.Changed += OnFileEvent;
        watcher.Created += OnFileEvent;
        watcher.Deleted += OnFileEvent;
        watcher.Renamed += OnFileEvent;
        watcher.Error += (_, _) => Refresh(); // buffer overflow: re-read everything
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (IsRelevant(Path.GetRelativePath(_catalog.CommonGitDirectory, e.FullPath)))
        {
            Refresh();
        }
    }

    /// <summary>True for git-directory paths whose change may change the worktree list or a worktree's branch or HEAD.</summary>
    internal static bool IsRelevant(string relativePath)
    {
        var parts = relativePath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0
            && !IgnoredFolders.Contains(parts[0], StringComparer.Ordinal)
            && !IgnoredFiles.Contains(parts[^1], StringComparer.Ordinal);
    }
}
