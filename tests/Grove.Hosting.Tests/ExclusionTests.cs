namespace Grove.Hosting.Tests;

/// <summary>One front end runs a repository's apps at a time: a second AppHost says which one does.</summary>
[Collection(SharedAppHost.Name)]
public sealed class ExclusionTests(AppHostFixture fixture)
{
    [Fact]
    public async Task SecondAppHost_OnARunningRepository_FailsToStartItsRow_NamingTheRunningOne()
    {
        await Rows.WaitAsync(fixture.App, "grove", r => r.State == "Watching");
        using var limit = new CancellationTokenSource(AppHostFixture.StartLimit);
        using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--repo", fixture.Repository.Primary], limit.Token);
        await using var second = await builder.BuildAsync(limit.Token);
        await second.StartAsync(limit.Token);

        var failed = await Rows.WaitAsync(second, "grove", r => r.State == KnownResourceStates.FailedToStart);
        Assert.Contains("an AppHost already runs this repository's apps", failed.Property("grove.reason"), StringComparison.Ordinal);
        Assert.Equal("Running", (await Rows.WaitAsync(fixture.App, "main", _ => true)).State); // the first one is untouched
        await second.StopAsync(limit.Token);
    }
}
