namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Grove's gateway (YARP, in the AppHost process): <c>http://&lt;slug&gt;.localhost:&lt;port&gt;</c>
/// reaches each worktree's app, and <c>http://localhost:&lt;port&gt;/</c> is the landing page.
/// </summary>
public sealed class GroveGatewayResource(string name, GroveRepositoryResource parent)
    : Resource(name), IResourceWithParent<GroveRepositoryResource>
{
    public GroveRepositoryResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));
}
