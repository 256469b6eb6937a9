using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Grove.Worktrees;

/// <summary>
/// Holds the latest <see cref="RepositorySnapshot"/>, numbers each new one (its
/// <see cref="RepositorySnapshot.Version"/> only grows) and hands it to every subscriber through
/// the subscriber's own bounded channel. Publishing never waits for a subscriber: a subscriber
/// that falls behind loses the oldest snapshots it has not read, never the newest, so it always
/// ends on the current version. Publishing an equal snapshot (same worktrees, same values) is a no-op.
/// </summary>
internal sealed class SnapshotPublisher
{
    /// <summary>How many unread snapshots a subscriber may fall behind before the oldest are dropped.</summary>
    private const int Backlog = 32;
    private readonly Lock _gate = new();
    private readonly List<ChannelWriter<RepositorySnapshot>> _subscribers = [];
    private RepositorySnapshot? _current;
    private long _version;
    private bool _completed;

    public RepositorySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Makes <paramref name="next"/> current under the next version; false when it equals the current one.</summary>
    public bool Publish(RepositorySnapshot next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            if (_completed || (_current is not null && _current.SameContent(next)))
            {
                return false;
            }

            next = next with { Version = ++_version };
            Volatile.Write(ref _current, next);
            foreach (var subscriber in _subscribers)
            {
                subscriber.TryWrite(next); // a full channel drops its oldest: never blocks
            }
        }

        return true;
    }

    /// <summary>
    /// The current snapshot (when there is one), then every newer one, until
    /// <paramref name="cancellationToken"/> fires or the publisher is completed.
    /// </summary>
    public async IAsyncEnumerable<RepositorySnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<RepositorySnapshot>(new BoundedChannelOptions(Backlog)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            if (_current is not null)
            {
                channel.Writer.TryWrite(_current);
            }

            if (_completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel.Writer);
            }
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel.Writer);
            }
        }
    }

    /// <summary>Waits until the current or a later snapshot satisfies <paramref name="condition"/>.</summary>
    public async Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await foreach (var snapshot in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (condition(snapshot))
            {
                return snapshot;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException("the snapshots ended (the host stopped) before the condition held");
    }

    /// <summary>Ends every subscription (after its unread snapshots); later publishes are ignored.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.TryComplete();
            }

            _subscribers.Clear();
        }
    }
}
