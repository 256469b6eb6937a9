namespace Grove.Dependencies;

/// <summary>
/// One install at a time per worktree, across processes: an exclusive lock file under the state
/// folder, released on dispose (or by the OS when the process dies).
/// </summary>
internal sealed class WorktreeInstallLock : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _stream;

    private WorktreeInstallLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock; <paramref name="onWait"/> is told once if another install holds it.</summary>
    public static async Task<WorktreeInstallLock> AcquireAsync(DependencyPaths paths, string worktreePath, Action onWait, TimeSpan limit, CancellationToken cancellationToken)
    {
        DependencyPaths.CreateOwnerOnly(paths.Locks);
        var file = Path.Combine(paths.Locks, DependencyPaths.ShortHash(worktreePath) + ".lock");
        var waited = TimeSpan.Zero;
        var told = false;
        while (true)
        {
            try
            {
                return new WorktreeInstallLock(new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (waited < limit)
            {
                if (!told)
                {
                    onWait();
                    told = true;
                }
            }
            catch (IOException ex)
            {
                throw new GroveException(
                    $"another Grove process has been installing dependencies in {worktreePath} for over {limit.TotalMinutes:0} minutes",
                    "wait for it to finish, or stop it, then try again",
                    ex);
            }

            await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            waited += Retry;
        }
    }

    public void Dispose() => _stream.Dispose();
}
