using Grove.Ports;
using Grove.State;

namespace Grove.Tests.State;

public class LeaseStoreTests
{
    private static LeasePolicy Policy() => new(new PortRange(), DateTimeOffset.UtcNow, _ => true);

    [Fact]
    public void Assign_SecondTime_ReturnsSameLeasesWithoutWriting()
    {
        using var folder = new TempFolder();
        var requests = new List<LeaseRequest> { new("/r", "main", true), new("/w", "feature/login", false) };
        var first = new LeaseStore(new StateStore(folder.Path)).Assign(requests, Policy());
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder.Path, "grove", "state.db"));

        var second = new LeaseStore(new StateStore(folder.Path)).Assign(requests, Policy());

        Assert.Equal(first.Values.OrderBy(l => l.Path), second.Values.OrderBy(l => l.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder.Path, "grove", "state.db")));
    }

    [Fact]
    public async Task Assign_ConcurrentWriters_NeverShareAPortOrSlug()
    {
        using var folder = new TempFolder();
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            new LeaseStore(new StateStore(folder.Path)).Assign([new($"/w{i}", "same/name", false)], Policy() with { FullListing = false })));

        await Task.WhenAll(tasks).WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);

        var leases = new LeaseStore(new StateStore(folder.Path)).ReadAll();
        Assert.Equal(16, leases.Count);
        Assert.Equal(16, leases.Select(l => l.Port).Distinct().Count());
        Assert.Equal(16, leases.Select(l => l.Slug).Distinct().Count());
    }

    [Fact]
    public void Release_RemovesOnlyThatLease()
    {
        using var folder = new TempFolder();
        var store = new LeaseStore(new StateStore(folder.Path));
        store.Assign([new("/a", "a", false), new("/b", "b", false)], Policy());

        Assert.True(store.Release("/a"));
        Assert.False(store.Release("/a"));
        Assert.Equal("/b", Assert.Single(store.ReadAll()).Path);
    }
}
