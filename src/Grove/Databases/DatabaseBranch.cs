using Grove.Configuration;

namespace Grove.Databases;

/// <summary>
/// A worktree's own database as its app sees it. <see cref="Environment"/> holds secrets (the
/// app needs them); <see cref="DisplayConnectionString"/> never does and is safe to print.
/// </summary>
/// <param name="Name">The PostgreSQL database name, or the SQLite file's name.</param>
/// <param name="Environment"><c>ConnectionStrings__&lt;name&gt;</c> and <c>DATABASE_URL</c>.</param>
internal sealed record DatabaseBranch(
    DatabaseProvider Provider,
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string DisplayConnectionString)
{
    /// <summary>The provider as written in grove.json: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string ProviderName => ProviderNames.Of(Provider);

    /// <summary>The database as snapshots carry it (no secrets).</summary>
    public Worktrees.WorktreeDatabase Describe() => new(ProviderName, Name, DisplayConnectionString);

    /// <summary>The app's connection string (<c>ConnectionStrings__&lt;name&gt;</c>), password included: a method, so it never shows in ToString.</summary>
    public string AppConnectionString() =>
        Environment.First(e => e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).Value;
}

/// <summary>Provider names as grove.json and the JSON output spell them.</summary>
internal static class ProviderNames
{
    public static string Of(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? "postgres" : "sqlite";
}
