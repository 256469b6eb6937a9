namespace Grove.Hosting.Tests;

/// <summary>AddGrove and its With* methods at the model level (nothing is started).</summary>
public sealed class GroveBuilderTests
{
    [Fact]
    public void AddGrove_AddsTheRepositoryAndItsGatewayNestedUnderIt()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var grove = builder.AddGrove("grove", "/tmp/some-repository").WithGatewayPort(8123);

        Assert.Equal("/tmp/some-repository", grove.Resource.RepositoryPath);
        Assert.Equal(8123, grove.Resource.GatewayPort);
        var gateway = Assert.Single(builder.Resources.OfType<GroveGatewayResource>());
        Assert.Equal("grove-gateway", gateway.Name);
        Assert.Same(grove.Resource, gateway.Parent);
    }

    [Fact]
    public void WithDatabaseServer_AddPostgres_BranchesInThatServer_AndReferencesIt()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var postgres = builder.AddPostgres("postgres");
        var grove = builder.AddGrove("grove", "/tmp/some-repository").WithDatabaseServer(postgres);

        Assert.Same(postgres.Resource, grove.Resource.DatabaseServer);
        Assert.Contains(grove.Resource.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource == postgres.Resource && r.Type == "Reference");
    }

    [Fact]
    public void Guards_RejectMissingAndOutOfRangeArguments()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        Assert.Throws<ArgumentNullException>(() => GroveBuilderExtensions.AddGrove(null!, "grove", "/tmp/x"));
        var blank = new string(' ', 1); // a literal would be refused at compile time (ASPIRE006)
        Assert.Throws<ArgumentException>(() => builder.AddGrove(blank, "/tmp/x"));
        Assert.Throws<ArgumentException>(() => builder.AddGrove("grove", ""));
        var grove = builder.AddGrove("grove", "/tmp/x");
        Assert.Throws<ArgumentOutOfRangeException>(() => grove.WithGatewayPort(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => grove.WithGatewayPort(65536));
        Assert.Throws<ArgumentNullException>(() => grove.WithDatabaseServer<IResourceWithConnectionString>(null!));
    }
}
