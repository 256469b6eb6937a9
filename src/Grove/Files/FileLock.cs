namespace Grove.Files;

/// <summary>
/// A lock shared by grove processes through a file in the state folder (an OS file lock, so a
/// killed process never leaves it held). Exclusive for database changes; shared for "this
/// process uses the server", so the server is only stopped when no one else uses it.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the lock, telling <paramref name="progress"/> once if it has to wait.</summary>
    public static async Task<FileLock> AcquireAsync(string path, bool exclusive, TimeSpan limit, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var told = false;
        while (true)
        {
            var taken = TryAcquire(path, exclusive);
            if (taken is not null)
            {
                return taken;
            }

            if (!told)
            {
                progress?.Report("waiting for another grove process to finish its database work");
                told = true;
            }

            try
            {
                await Task.Delay(Poll, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new GroveException(
                    $"another grove process held the database lock {path} for more than {limit.TotalMinutes:0} minutes",
                    "wait for the other grove command (a template build?) to finish, then try again");
            }
        }
    }

    /// <summary>Takes the lock at once, or returns null when another holder conflicts.</summary>
    public static FileLock? TryAcquire(string path, bool exclusive)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return new FileLock(OwnerOnly.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, exclusive ? FileShare.None : FileShare.ReadWrite));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
