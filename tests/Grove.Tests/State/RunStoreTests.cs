using Grove.Supervision;
using Grove.Processes;
using Grove.State;
using Grove.Worktrees;

namespace Grove.Tests.State;

public class RunStoreTests
{
    [Fact]
    public void Claim_AfterDeadSupervisor_ReturnsItsRunsAndRecordsTheGatewayPort()
    {
        using var folder = new TempFolder();
        var runs = new RunStore(new StateStore(folder.Path));
        var dead = new ProcessIdentity(int.MaxValue - 1, 1);
        runs.ClaimSupervisor(dead, 8080, DateTimeOffset.UtcNow);
        runs.Save(new RunRecord("/w", "w", WorktreeState.Running, null, new ProcessIdentity(int.MaxValue - 2, 1), DateTimeOffset.UtcNow));
        Assert.Null(runs.LiveSupervisor()); // its process is gone

        var left = runs.ClaimSupervisor(ProcessIdentity.Current, 8123, DateTimeOffset.UtcNow);

        Assert.Equal("/w", Assert.Single(left).Path);
        Assert.Empty(runs.ReadAll());
        Assert.Equal(new SupervisorRecord(ProcessIdentity.Current, 8123), runs.LiveSupervisor());
    }

    [Fact]
    public void Claim_WhileLiveSupervisorHolds_Refused()
    {
        using var folder = new TempFolder();
        var runs = new RunStore(new StateStore(folder.Path));
        var parent = ProcessIdentity.Read(int.Parse(File.ReadAllText("/proc/self/stat").Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture))!;
        runs.ClaimSupervisor(parent, null, DateTimeOffset.UtcNow);

        var error = Assert.Throws<GroveException>(() => runs.ClaimSupervisor(ProcessIdentity.Current, null, DateTimeOffset.UtcNow));

        Assert.Contains("already runs", error.Message, StringComparison.Ordinal);
    }
}
