using Grove.Processes;
using System.Net;
using System.Net.Sockets;
using Grove.Ports;
using Grove.Worktrees;

namespace Grove.Tests.Worktrees;

public class WorktreeCatalogTests
{
    private static CancellationToken Ct => Bounded.Token(Bounded.Process);

    [Fact]
    public async Task Snapshot_PrimaryAndLinked_HaveBaseAndFormulaPorts()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("feature/login");

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        Assert.Equal(2, snapshot.Worktrees.Length);
        var primary = snapshot.Worktrees[0];
        Assert.Equal((true, "main", 4000, "main"), (primary.IsPrimary, primary.Branch, primary.Port, primary.Slug));
        var linked = snapshot.Find("feature/login");
        Assert.NotNull(linked);
        Assert.Equal((4330, "feature-login"), (linked.Port, linked.Slug));
        Assert.Equal("http://127.0.0.1:4330", linked.Url);
        Assert.Equal("http://feature-login.localhost:8080", linked.GatewayUrl);
        Assert.Equal(WorktreeState.Stopped, linked.State);
    }

    [Fact]
    public async Task Snapshot_SecondRun_SamePortsAndSlugs()
    {
        using var repo = TestRepository.Create();
        for (var i = 0; i < 5; i++)
        {
            repo.AddWorktree($"feature/{i}");
        }

        var first = await repo.Catalog().SnapshotAsync(Ct);
        var second = await repo.Catalog().SnapshotAsync(Ct);

        Assert.True(first.SameContent(second));
        Assert.Equal(6, first.Worktrees.Select(w => w.Port).Distinct().Count());
    }

    [Fact]
    public async Task Snapshot_ConfiguredRange_IsHonoured()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "ports": { "base": 10000, "range": 100 }, "gateway": { "port": 9999 } }""");
        repo.AddWorktree("x");

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        Assert.Equal(10000, snapshot.Primary!.Port);
        Assert.Equal(10055, snapshot.Find("x")!.Port);
        Assert.Equal("http://x.localhost:9999", snapshot.Find("x")!.GatewayUrl);
    }

    [Fact]
    public async Task Snapshot_WhileAFrontEndRunsOnAnotherGatewayPort_GatewayUrlsUseThatPort()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("x");
        var catalog = repo.Catalog();
        Assert.Equal("http://x.localhost:8080", (await catalog.SnapshotAsync(Ct)).Find("x")!.GatewayUrl);

        // What 'grove up --port 18483' records; grove ls, grove new and grove up's own table read it.
        var runs = new Grove.Supervision.RunStore(catalog.Store);
        runs.ClaimSupervisor(ProcessIdentity.Current, 18483, DateTimeOffset.UtcNow);
        var running = await catalog.SnapshotAsync(Ct);
        runs.ReleaseSupervisor(ProcessIdentity.Current);
        var after = await catalog.SnapshotAsync(Ct);

        Assert.Equal("http://x.localhost:18483", running.Find("x")!.GatewayUrl);
        Assert.Equal("http://main.localhost:18483", running.Primary!.GatewayUrl);
        Assert.Equal("http://x.localhost:8080", after.Find("x")!.GatewayUrl);
    }

    [Fact]
    public async Task Snapshot_ForeignListenerOnPreferredPort_LeaseMovesOnAndListenerUntouched()
    {
        using var repo = TestRepository.Create();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var busy = ((IPEndPoint)listener.LocalEndpoint).Port;
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""{ "ports": { "base": {{busy - 1}}, "range": 50 } }""");
        var name = Enumerable.Range(0, 10_000).Select(i => $"b{i}").First(n => PortFormula.Preferred(n, false, new PortRange(busy - 1, 50)) == busy);
        repo.AddWorktree(name);

        var snapshot = await new WorktreeCatalog(new Git(), repo.CommonGitDirectory).SnapshotAsync(Ct);

        Assert.NotEqual(busy, snapshot.Find(name)!.Port);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, busy, Ct);
        using var accepted = await listener.AcceptTcpClientAsync(Ct);
        Assert.True(accepted.Connected);
    }

    [Fact]
    public async Task Snapshot_LockedAndPrunable_AreReportedNeverPruned()
    {
        using var repo = TestRepository.Create();
        var locked = repo.AddWorktree("locked-one");
        repo.Git(repo.Primary, "worktree", "lock", "--reason", "on a usb drive", locked);
        var gone = repo.AddWorktree("gone-one");
        Directory.Delete(gone, recursive: true);
        var adminFolders = Directory.GetDirectories(Path.Combine(repo.CommonGitDirectory, "worktrees")).Order().ToList();

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        var lockedSnapshot = snapshot.Find("locked-one")!;
        Assert.True(lockedSnapshot.IsLocked);
        Assert.Equal("on a usb drive", lockedSnapshot.LockReason);
        var goneSnapshot = snapshot.Find("gone-one")!;
        Assert.True(goneSnapshot.IsPrunable);
        Assert.NotNull(goneSnapshot.PrunableReason);
        Assert.Equal(adminFolders, Directory.GetDirectories(Path.Combine(repo.CommonGitDirectory, "worktrees")).Order());
        Assert.Contains("gone-one", repo.Git(repo.Primary, "worktree", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_PathsWithSpacesAndNewlines_AreListed()
    {
        using var repo = TestRepository.Create();
        var spaced = repo.AddWorktree("spaced", "with space");
        var newline = repo.AddWorktree("newline", "line\nbreak");

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        Assert.Equal(spaced, snapshot.Find("spaced")!.Path);
        Assert.Equal(newline, snapshot.Find("newline")!.Path);
    }

    [Fact]
    public async Task Snapshot_DetachedWorktree_UsesFolderName()
    {
        using var repo = TestRepository.Create();
        var folder = Path.Combine(repo.Root, "review-copy");
        repo.Git(repo.Primary, "worktree", "add", "-q", "--detach", folder);

        var worktree = (await repo.Catalog().SnapshotAsync(Ct)).Find(folder)!;

        Assert.True(worktree.IsDetached);
        Assert.Null(worktree.Branch);
        Assert.Equal("review-copy", worktree.Slug);
        Assert.Equal(PortFormula.Preferred("review-copy", false, new PortRange()), worktree.Port);
    }

    [Fact]
    public async Task Snapshot_BarePrimary_ListsOnlyWorktreesWithFiles()
    {
        using var repo = TestRepository.Create(bare: true);
        var linked = repo.AddWorktree("feature/login");

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        var only = Assert.Single(snapshot.Worktrees);
        Assert.Equal(linked, only.Path);
        Assert.False(only.IsPrimary);
        Assert.Equal(4330, only.Port);
    }

    [Fact]
    public async Task Snapshot_BarePrimary_ReadsConfigCommittedAtHead()
    {
        using var repo = TestRepository.Create(bare: true);
        var linked = repo.AddWorktree("config-source");
        File.WriteAllText(Path.Combine(linked, "grove.json"), """{ "ports": { "base": 20000, "range": 100 } }""");
        repo.Git(linked, "add", "grove.json");
        repo.Git(linked, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "config");
        repo.Git(linked, "push", "-q", ".", "config-source:main");

        var snapshot = await repo.Catalog().SnapshotAsync(Ct);

        Assert.InRange(snapshot.Worktrees[0].Port, 20001, 20099);
    }

    [Fact]
    public async Task Snapshot_BrokenConfig_ReportsEveryError()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "ports": { "base": "x", "range": 1 }, "colour": 1 }""");

        var error = await Assert.ThrowsAsync<Grove.Configuration.ConfigException>(() => repo.Catalog().SnapshotAsync(Ct));

        Assert.Equal(3, error.Errors.Count);
    }

    [Fact]
    public async Task Snapshot_RemovedWorktree_LeaseReleasedAfterGrace()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("short-lived");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var catalog = repo.Catalog(time: clock);
        await catalog.SnapshotAsync(Ct);
        repo.Git(repo.Primary, "worktree", "remove", folder);

        await catalog.SnapshotAsync(Ct);
        var beforeGrace = catalog.Leases.ReadAll().Count;
        clock.Advance(TimeSpan.FromMinutes(2));
        await catalog.SnapshotAsync(Ct);

        Assert.Equal(2, beforeGrace);
        Assert.Single(catalog.Leases.ReadAll());
    }

    [Fact]
    public void LeaseName_Guards_RejectNull() =>
        Assert.Throws<ArgumentNullException>(() => WorktreeCatalog.LeaseName(null!));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
