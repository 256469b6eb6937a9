using Grove.Processes;
using Grove.State;
using Grove.Worktrees;

namespace Grove.Tests.State;

public class RunStoreTests
{
    [Fact]
    public void Claim_AfterDeadSupervisor_ReturnsItsRunsAndDropsItsPendingCommands()
    {
        using var folder = new TempFolder();
        var runs = new RunStore(new StateStore(folder.Path));
        var dead = new ProcessIdentity(int.MaxValue - 1, 1);
        runs.ClaimSupervisor(dead, DateTimeOffset.UtcNow);
        runs.Save(new RunRecord("/w", "w", WorktreeState.Running, null, new ProcessIdentity(int.MaxValue - 2, 1), DateTimeOffset.UtcNow));
        var pending = runs.Enqueue("/w", "stop", DateTimeOffset.UtcNow);

        var left = runs.ClaimSupervisor(ProcessIdentity.Current, DateTimeOffset.UtcNow);

        Assert.Equal("/w", Assert.Single(left).Path);
        Assert.Empty(runs.ReadAll());
        Assert.Empty(runs.Pending());
        Assert.StartsWith("error: dropped", runs.Result(pending), StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_FirstAnswerStands()
    {
        using var folder = new TempFolder();
        var runs = new RunStore(new StateStore(folder.Path));
        var id = runs.Enqueue("/w", "restart", DateTimeOffset.UtcNow);

        runs.Complete(id, "error: given up", DateTimeOffset.UtcNow);
        runs.Complete(id, "restart of w requested", DateTimeOffset.UtcNow);

        Assert.Equal("error: given up", runs.Result(id));
    }

    [Fact]
    public void Claim_WhileLiveSupervisorHolds_Refused()
    {
        using var folder = new TempFolder();
        var runs = new RunStore(new StateStore(folder.Path));
        var parent = ProcessIdentity.Read(int.Parse(File.ReadAllText("/proc/self/stat").Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture))!;
        runs.ClaimSupervisor(parent, DateTimeOffset.UtcNow);

        var error = Assert.Throws<GroveException>(() => runs.ClaimSupervisor(ProcessIdentity.Current, DateTimeOffset.UtcNow));

        Assert.Contains("already runs", error.Message, StringComparison.Ordinal);
    }
}
