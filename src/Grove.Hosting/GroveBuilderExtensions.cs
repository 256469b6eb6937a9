using Aspire.Hosting.ApplicationModel;
using Grove.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aspire.Hosting;

/// <summary>
/// <c>builder.AddGrove("grove", repositoryPath)</c>: every git worktree of the repository runs as
/// its own app (own port, database and <c>http://&lt;slug&gt;.localhost</c> URL), each shown as a
/// dashboard resource with its state, URLs, logs and commands.
/// </summary>
public static class GroveBuilderExtensions
{
    /// <summary>
    /// Adds a repository run by Grove: its gateway, and at run time one resource per worktree.
    /// Grove starts with the AppHost and stops every app when it stops. Only one AppHost or
    /// <c>grove up</c> runs a repository at a time: a second one shows the repository resource
    /// as failed, saying which one runs.
    /// </summary>
    /// <param name="builder">The AppHost's builder.</param>
    /// <param name="name">The repository resource's name; the gateway is <c>&lt;name&gt;-gateway</c>.</param>
    /// <param name="repositoryPath">Any folder inside the repository; relative paths are from the AppHost's folder.</param>
    public static IResourceBuilder<GroveRepositoryResource> AddGrove(this IDistributedApplicationBuilder builder, [ResourceName] string name, string repositoryPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(repositoryPath);

        var repository = new GroveRepositoryResource(name, Path.GetFullPath(repositoryPath, builder.AppHostDirectory));
        var resource = builder.AddResource(repository)
            .ExcludeFromManifest()
            .WithIconName("BranchFork")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "GroveRepository",
                CreationTimeStamp = DateTime.UtcNow,
                State = KnownResourceStates.NotStarted,
                Properties = [new(CustomResourceKnownProperties.Source, repository.RepositoryPath)],
            });

        repository.Gateway = new GroveGatewayResource($"{name}-gateway", repository);
        builder.AddResource(repository.Gateway)
            .ExcludeFromManifest()
            .WithIconName("GlobeArrowForward")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "GroveGateway",
                CreationTimeStamp = DateTime.UtcNow,
                State = KnownResourceStates.NotStarted,
                Properties = [],
            });

        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddSingleton<GroveRuntimes>();
            builder.Services.AddHostedService(services => services.GetRequiredService<GroveRuntimes>());
            builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, _) =>
            {
                e.Services.GetRequiredService<GroveRuntimes>().Start(repository);
                return Task.CompletedTask;
            });
        }

        return resource;
    }

    /// <summary>The gateway's loopback port (0: any free port), instead of grove.json's <c>gateway.port</c>.</summary>
    public static IResourceBuilder<GroveRepositoryResource> WithGatewayPort(this IResourceBuilder<GroveRepositoryResource> builder, int port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        builder.Resource.GatewayPort = port;
        return builder;
    }

    /// <summary>
    /// Branches worktree databases in this PostgreSQL server (an <c>AddPostgres</c> server or an
    /// <c>AddConnectionString</c> resource) instead of one Grove runs itself. Grove waits for
    /// the server to be healthy before it starts the apps. Applies to repositories whose
    /// grove.json asks for a PostgreSQL database.
    /// </summary>
    public static IResourceBuilder<GroveRepositoryResource> WithDatabaseServer<TServer>(this IResourceBuilder<GroveRepositoryResource> builder, IResourceBuilder<TServer> server)
        where TServer : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        builder.Resource.DatabaseServer = server.Resource;
        return builder.WithRelationship(server.Resource, "Reference");
    }
}
