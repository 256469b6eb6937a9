using Aspire.Hosting.ApplicationModel;
using Grove.Dashboard;
using Grove.Worktrees;

namespace Grove.Hosting.Tests;

/// <summary>An app that listens beyond loopback: a highlighted Warning property on its dashboard row.</summary>
public sealed class WarningRowTests
{
    private static readonly WorktreeSnapshot Worktree = new()
    {
        Slug = "feature-a", Branch = "feature/a", Path = "/r/a", Head = "abc", IsPrimary = false, IsDetached = false, Port = 4100,
        Url = "http://127.0.0.1:4100", GatewayUrl = "http://feature-a.localhost:8080", State = WorktreeState.Running, IsLocked = false, IsPrunable = false,
    };

    [Fact]
    public void Row_WithWarning_HasHighlightedWarningProperty()
    {
        const string warning = "listens on 0.0.0.0:4100, reachable from the network: bind it to 127.0.0.1";

        var row = WorktreeProjection.Apply(Empty(), Worktree with { Warning = warning }, "grove");

        var property = row.Properties.Single(p => p.Name == "grove.warning");
        Assert.Equal(warning, property.Value);
        Assert.True(property.IsHighlighted);
        Assert.Equal("Warning", property.DisplayName);
    }

    [Fact]
    public void Row_WithoutWarning_HasNoWarningProperty()
    {
        var row = WorktreeProjection.Apply(Empty(), Worktree, "grove");

        Assert.DoesNotContain(row.Properties, p => p.Name == "grove.warning");
    }

    private static CustomResourceSnapshot Empty() => new() { ResourceType = "Worktree", Properties = [] };
}
