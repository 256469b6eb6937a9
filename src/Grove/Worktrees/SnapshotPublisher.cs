namespace Grove.Worktrees;

/// <summary>
/// Holds the latest <see cref="RepositorySnapshot"/> and tells subscribers about each new one.
/// Publishing an equal snapshot (same worktrees, same values) is a no-op.
/// </summary>
public sealed class SnapshotPublisher
{
    private readonly Lock _gate = new();
    private RepositorySnapshot? _current;

    public RepositorySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Raised with each new snapshot, on the publishing thread.</summary>
    public event EventHandler<RepositorySnapshot>? Changed;

    /// <summary>Makes <paramref name="next"/> current; false when it equals the current one.</summary>
    public bool Publish(RepositorySnapshot next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            var previous = Current;
            if (previous is not null && previous.SameContent(next))
            {
                return false;
            }

            Volatile.Write(ref _current, next);
        }

        // One failing subscriber (a request's wait, a page) must never break the others, nor the
        // publisher: each is called on its own.
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((EventHandler<RepositorySnapshot>)handler)(this, next);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                System.Diagnostics.Trace.TraceError($"a snapshot subscriber failed: {ex}");
            }
        }

        return true;
    }

    /// <summary>Waits until the current or a later snapshot satisfies <paramref name="condition"/>.</summary>
    public async Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var completion = new TaskCompletionSource<RepositorySnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, RepositorySnapshot snapshot)
        {
            try
            {
                if (condition(snapshot))
                {
                    completion.TrySetResult(snapshot);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                completion.TrySetException(ex); // the waiter gets the error, the publisher goes on
            }
        }

        Changed += OnChanged;
        try
        {
            var current = Current;
            if (current is not null && condition(current))
            {
                return current;
            }

            return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Changed -= OnChanged;
        }
    }
}
