namespace Grove.Hosting.Tests;

/// <summary>The test classes that share one running AppHost (starting one takes seconds on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class SharedAppHost : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
