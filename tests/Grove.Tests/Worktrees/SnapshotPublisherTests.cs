using System.Collections.Immutable;
using Grove.Worktrees;

namespace Grove.Tests.Worktrees;

public class SnapshotPublisherTests
{
    private static RepositorySnapshot Snapshot(string error) => new("/repo/.git", ImmutableArray<WorktreeSnapshot>.Empty, DateTimeOffset.UtcNow) { ConfigError = error };

    [Fact]
    public async Task Watch_SubscriberThatFellFarBehind_EndsOnTheNewestVersion()
    {
        var publisher = new SnapshotPublisher();
        publisher.Publish(Snapshot("0"));
        await using var stalled = publisher.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await stalled.MoveNextAsync()); // subscribed; then it reads nothing for a while
        for (var i = 1; i <= 1000; i++)
        {
            publisher.Publish(Snapshot(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        publisher.Complete();
        var seen = new List<RepositorySnapshot>();
        while (await stalled.MoveNextAsync())
        {
            seen.Add(stalled.Current);
        }

        Assert.Equal("1000", seen[^1].ConfigError);
        Assert.Equal(1001, seen[^1].Version);
        Assert.True(seen.Count < 1000, $"the stalled subscriber kept {seen.Count} snapshots");
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.Second.Version > pair.First.Version));
    }

    [Fact]
    public void Publish_EqualContent_IsNotANewVersion()
    {
        var publisher = new SnapshotPublisher();

        Assert.True(publisher.Publish(Snapshot("a")));
        Assert.False(publisher.Publish(Snapshot("a")));
        Assert.True(publisher.Publish(Snapshot("b")));
        Assert.Equal(2, publisher.Current!.Version);
    }

    [Fact]
    public async Task Watch_AfterComplete_GivesTheCurrentThenEnds()
    {
        var publisher = new SnapshotPublisher();
        publisher.Publish(Snapshot("last"));
        publisher.Complete();

        var seen = new List<RepositorySnapshot>();
        await foreach (var snapshot in publisher.WatchAsync(TestContext.Current.CancellationToken))
        {
            seen.Add(snapshot);
        }

        Assert.Equal("last", Assert.Single(seen).ConfigError);
        Assert.False(publisher.Publish(Snapshot("ignored")));
    }
}
