namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A git repository whose worktrees Grove runs: the parent of the gateway, of Grove's managed
/// PostgreSQL server and of one <see cref="WorktreeResource"/> per worktree (those are created
/// while the app runs, as worktrees come and go). Its state says whether Grove is watching the
/// repository or why it cannot.
/// </summary>
public sealed class GroveRepositoryResource : Resource
{
    public GroveRepositoryResource(string name, string repositoryPath)
        : base(name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repositoryPath);
        RepositoryPath = repositoryPath;
    }

    /// <summary>Any folder inside the repository.</summary>
    public string RepositoryPath { get; }

    /// <summary>The gateway's port; null: the repository's grove.json (gateway.port, default 8080).</summary>
    public int? GatewayPort { get; internal set; }

    /// <summary>A PostgreSQL server to branch worktree databases in instead of the one Grove manages; null: Grove's own.</summary>
    public IResourceWithConnectionString? DatabaseServer { get; internal set; }

    /// <summary>The gateway, a child resource in the model.</summary>
    public GroveGatewayResource Gateway { get; internal set; } = null!;
}
