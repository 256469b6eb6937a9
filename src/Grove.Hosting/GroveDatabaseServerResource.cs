namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The PostgreSQL server Grove runs for the repository (worktree databases are branched in it).
/// Published at run time, while the server runs; never added to the model.
/// </summary>
public sealed class GroveDatabaseServerResource(string name) : Resource(name);
