using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grove.Processes;
using Grove.Hosting;
using Grove.State;

namespace Grove.Supervision;

/// <summary>
/// Every worktree's log lines for live readers: a bounded history per slug (the log file's last
/// lines when first asked, then each line as it is written) and a channel per reader. A reader
/// that falls behind loses its oldest unread lines; a writer never waits for a reader.
/// </summary>
internal sealed class LogHub(StateStore store, TimeProvider time)
{
    private const int ReaderBacklog = 10_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);

    /// <summary>
    /// Opens the log of the worktree at <paramref name="worktreePath"/> for writing; its lines reach
    /// this hub's readers. A log the slug's earlier owner (another worktree folder, since removed)
    /// left is deleted first: the new worktree begins with an empty log.
    /// </summary>
    public WorktreeLog Open(string slug, string worktreePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        lock (_gate)
        {
            if (LogFiles.BelongsToAnother(store, slug, worktreePath))
            {
                _feeds.Remove(slug);
                LogFiles.Delete(store, slug);
            }

            LogFiles.RecordOwner(store, slug, worktreePath);
            _ = FeedOf(slug); // its history read from the file before this writer adds to both
        }

        var log = new WorktreeLog(LogFiles.PathFor(store, slug), time);
        log.LineWritten += line => Add(slug, line);
        return log;
    }

    /// <summary>The last <paramref name="history"/> lines, then every new one, until cancelled.</summary>
    public async IAsyncEnumerable<LogLine> WatchAsync(string slug, int history, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(ReaderBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Feed feed;
        lock (_gate)
        {
            feed = FeedOf(slug);
            foreach (var line in feed.History.Skip(Math.Max(0, feed.History.Count - history)))
            {
                channel.Writer.TryWrite(line);
            }

            feed.Readers.Add(channel.Writer);
        }

        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return LogLine.Parse(line, time.GetUtcNow());
            }
        }
        finally
        {
            lock (_gate)
            {
                feed.Readers.Remove(channel.Writer);
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first (from the file when more are asked than are kept in memory).</summary>
    public IReadOnlyList<LogLine> Tail(string slug, int count)
    {
        List<string> lines;
        lock (_gate)
        {
            var feed = FeedOf(slug);
            lines = count <= feed.History.Count || count <= WorktreeLog.TailSize
                ? [.. feed.History.Skip(Math.Max(0, feed.History.Count - count))]
                : [];
        }

        if (lines.Count == 0 && count > WorktreeLog.TailSize)
        {
            var path = LogFiles.PathFor(store, slug);
            lines = File.Exists(path) ? [.. WorktreeLog.ReadLastLines(path, count)] : [];
        }

        var now = time.GetUtcNow();
        return [.. lines.Select(line => LogLine.Parse(line, now))];
    }

    /// <summary>Deletes a removed worktree's log (its files and its history here): a later worktree with the same slug begins anew.</summary>
    public void Forget(string slug)
    {
        lock (_gate)
        {
            _feeds.Remove(slug);
            LogFiles.Delete(store, slug);
        }
    }

    private void Add(string slug, string line)
    {
        lock (_gate)
        {
            var feed = FeedOf(slug);
            feed.History.Enqueue(line);
            while (feed.History.Count > WorktreeLog.TailSize)
            {
                feed.History.Dequeue();
            }

            foreach (var reader in feed.Readers)
            {
                reader.TryWrite(line);
            }
        }
    }

    /// <summary>The slug's feed, begun with the last lines of its file (an earlier run's included). Called under the gate.</summary>
    private Feed FeedOf(string slug)
    {
        if (!_feeds.TryGetValue(slug, out var feed))
        {
            var path = LogFiles.PathFor(store, slug);
            feed = new Feed(new Queue<string>(File.Exists(path) ? WorktreeLog.ReadLastLines(path, WorktreeLog.TailSize) : []));
            _feeds[slug] = feed;
        }

        return feed;
    }

    private sealed record Feed(Queue<string> History)
    {
        public List<ChannelWriter<string>> Readers { get; } = [];
    }
}
