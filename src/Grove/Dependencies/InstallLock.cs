namespace Grove.Dependencies;

/// <summary>
/// An exclusive lock across processes: a lock file under <c>deps/locks/</c>, released on dispose
/// (or by the OS when the process dies). Used for one install at a time per worktree, and one
/// real install at a time per reuse key (so worktrees started together with the same lockfile
/// install once and reuse, instead of all installing at once).
/// </summary>
internal sealed class InstallLock : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _stream;

    private InstallLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock named <paramref name="name"/>; <paramref name="onWait"/> is told once if someone else holds it.</summary>
    public static async Task<InstallLock> AcquireAsync(DependencyPaths paths, string name, Action onWait, TimeSpan limit, string holder, CancellationToken cancellationToken)
    {
        DependencyPaths.CreateOwnerOnly(paths.Locks);
        var file = Path.Combine(paths.Locks, DependencyPaths.ShortHash(name) + ".lock");
        var waited = TimeSpan.Zero;
        var told = false;
        while (true)
        {
            try
            {
                return new InstallLock(new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
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
                    $"{holder} has been busy for over {limit.TotalMinutes:0} minutes",
                    "wait for it to finish, or stop it, then try again",
                    ex);
            }

            await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            waited += Retry;
        }
    }

    public void Dispose() => _stream.Dispose();
}
