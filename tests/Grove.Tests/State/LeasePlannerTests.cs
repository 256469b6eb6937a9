using Grove.Ports;
using Grove.State;

namespace Grove.Tests.State;

public class LeasePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly PortRange Range = new(4000, 1000);

    private static LeasePolicy Policy(Func<int, bool>? isFree = null) => new(Range, Now, isFree ?? (_ => true));

    [Fact]
    public void Plan_NewWorktrees_GetPreferredPortsAndReadableSlugs()
    {
        var plan = LeasePlanner.Plan([], [new("/r", "main", true), new("/w", "feature/login", false)], Policy());

        var primary = Assert.Single(plan, l => l.Path == "/r");
        var linked = Assert.Single(plan, l => l.Path == "/w");
        Assert.Equal((4000, "main"), (primary.Port, primary.Slug));
        Assert.Equal((4330, "feature-login"), (linked.Port, linked.Slug));
    }

    [Fact]
    public void Plan_HeldLease_IsKeptEvenWhenItsPortIsNowBusy()
    {
        var held = new Lease("/w", "feature/login", "feature-login", 4777, Now.AddDays(-1));

        var plan = LeasePlanner.Plan([held], [new("/w", "feature/login", false)], Policy(_ => false));

        Assert.Equal(held, Assert.Single(plan));
    }

    [Fact]
    public void Plan_ForeignListenerOnPreferredPort_MovesUpward()
    {
        var plan = LeasePlanner.Plan([], [new("/w", "feature/login", false)], Policy(port => port != 4330));

        Assert.Equal(4331, Assert.Single(plan).Port);
    }

    [Fact]
    public void Plan_PreferredPortLeasedToAnother_MovesUpwardAndWrapsInsideRange()
    {
        var range = new PortRange(4000, 3);
        var held = new Lease("/a", "a", "a", 4001, Now);
        var policy = new LeasePolicy(range, Now, _ => true);

        var plan = LeasePlanner.Plan([held], [new("/a", "a", false), new("/b", "b", false)], policy);

        Assert.Equal(4002, Assert.Single(plan, l => l.Path == "/b").Port);
    }

    [Fact]
    public void Plan_SameReadableSlug_SecondGetsHashSuffix()
    {
        var plan = LeasePlanner.Plan([], [new("/a", "Feature/X", false), new("/b", "feature/x", false)], Policy());

        Assert.Equal("feature-x", plan.Single(l => l.Path == "/a").Slug);
        Assert.Matches("^feature-x-[0-9a-f]{6}$", plan.Single(l => l.Path == "/b").Slug);
    }

    [Fact]
    public void Plan_BranchSwitch_DerivesNewLease()
    {
        var held = new Lease("/w", "feature/a", "feature-a", 4100, Now.AddDays(-1));

        var lease = Assert.Single(LeasePlanner.Plan([held], [new("/w", "feature/login", false)], Policy()));

        Assert.Equal(("feature-login", 4330), (lease.Slug, lease.Port));
    }

    [Fact]
    public void Plan_PrimarySwitchesBranch_KeepsBase()
    {
        var held = new Lease("/r", "main", "main", 4000, Now.AddDays(-1));

        var lease = Assert.Single(LeasePlanner.Plan([held], [new("/r", "develop", true)], Policy()));

        Assert.Equal(("develop", 4000), (lease.Slug, lease.Port));
    }

    [Fact]
    public void Plan_PrimarySwitchesBranchWhileItsAppHoldsBase_KeepsBase()
    {
        var held = new Lease("/r", "main", "main", 4000, Now.AddDays(-1));

        var lease = Assert.Single(LeasePlanner.Plan([held], [new("/r", "develop", true)], Policy(port => port != 4000)));

        Assert.Equal(4000, lease.Port);
    }

    [Fact]
    public void Plan_MovedWorktree_TakesOverLeaseOfMissingFolder()
    {
        var held = new Lease("/old", "feature/login", "feature-login", 4555, Now.AddDays(-1));

        var lease = Assert.Single(LeasePlanner.Plan([held], [new("/new", "feature/login", false)], Policy()));

        Assert.Equal(held with { Path = "/new" }, lease);
    }

    [Fact]
    public void Plan_OrphanYoungerThanGrace_IsKept()
    {
        var reserved = new Lease("/being-created", "feature/new", "feature-new", 4200, Now.AddSeconds(-5));

        var plan = LeasePlanner.Plan([reserved], [new("/r", "main", true)], Policy());

        Assert.Contains(reserved, plan);
    }

    [Fact]
    public void Plan_OrphanOlderThanGrace_IsReleased()
    {
        var gone = new Lease("/gone", "feature/old", "feature-old", 4200, Now.AddHours(-1));

        var plan = LeasePlanner.Plan([gone], [new("/r", "main", true)], Policy());

        Assert.DoesNotContain(gone, plan);
    }

    [Fact]
    public void Plan_Reserving_LeavesOtherLeasesAlone()
    {
        var other = new Lease("/other", "feature/old", "feature-old", 4200, Now.AddHours(-1));

        var plan = LeasePlanner.Plan([other], [new("/new", "feature/old-2", false)], Policy() with { FullListing = false });

        Assert.Contains(other, plan);
        Assert.Equal(2, plan.Count);
    }

    [Fact]
    public void Plan_LeaseOutsideNewRange_IsReassigned()
    {
        var held = new Lease("/w", "feature/login", "feature-login", 3999, Now.AddDays(-1));

        var lease = Assert.Single(LeasePlanner.Plan([held], [new("/w", "feature/login", false)], Policy()));

        Assert.True(Range.Contains(lease.Port));
    }

    [Fact]
    public void Plan_RangeExhausted_SaysHowToFix()
    {
        var policy = new LeasePolicy(new PortRange(4000, 2), Now, _ => true);
        var held = new Lease("/a", "a", "a", 4001, Now);

        var error = Assert.Throws<GroveException>(() => LeasePlanner.Plan([held], [new("/a", "a", false), new("/b", "b", false)], policy));

        Assert.Contains("ports.range", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ManyWorktrees_AllDistinct()
    {
        var requests = Enumerable.Range(0, 300).Select(i => new LeaseRequest($"/w{i}", $"feature/{i % 150}{(i >= 150 ? "/" : string.Empty)}", i == 0)).ToList();

        var plan = LeasePlanner.Plan([], requests, Policy());

        Assert.Equal(300, plan.Select(l => l.Port).Distinct().Count());
        Assert.Equal(300, plan.Select(l => l.Slug).Distinct().Count());
    }

    [Fact]
    public void Guards_RejectNull()
    {
        Assert.Throws<ArgumentNullException>(() => LeasePlanner.Plan(null!, [], Policy()));
        Assert.Throws<ArgumentNullException>(() => LeasePlanner.Plan([], null!, Policy()));
        Assert.Throws<ArgumentNullException>(() => LeasePlanner.Plan([], [], null!));
    }
}
