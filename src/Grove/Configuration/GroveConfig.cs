using Grove.Ports;

namespace Grove.Configuration;

/// <summary>A validated <c>grove.json</c> (ARCHITECTURE §2). Paths are relative to the worktree.</summary>
public sealed record GroveConfig
{
    public const string FileName = "grove.json";
    public const int DefaultGatewayPort = 8080;

    public static GroveConfig Default { get; } = new();

    public AppConfig? App { get; init; }

    /// <summary>Null: detect from lockfiles. Empty: install nothing.</summary>
    public IReadOnlyList<CommandConfig>? Install { get; init; }

    /// <summary>Null: the app has no database.</summary>
    public DatabaseConfig? Database { get; init; }

    public PortRange Ports { get; init; } = new();

    public int GatewayPort { get; init; } = DefaultGatewayPort;

    /// <summary>Host names besides localhost, 127.0.0.1 and [::1] that reach the gateway's own pages (<c>gateway.hosts</c>).</summary>
    public IReadOnlyList<string> GatewayHosts { get; init; } = [];

    /// <summary>Where the repository lives on GitHub and how Grove talks to it (<c>github</c>).</summary>
    public GitHubConfig GitHub { get; init; } = new();
}

/// <summary>The <c>github</c> section of grove.json; every key optional.</summary>
/// <param name="Repository"><c>owner/name</c>; null: read from the <c>origin</c> remote.</param>
/// <param name="ApiUrl">The REST API's address; null: <c>https://api.github.com</c>, or <c>https://&lt;host&gt;/api/v3</c> for an Enterprise remote.</param>
/// <param name="PruneMerged">Whether <c>grove up</c> and the AppHost remove worktrees whose pull request is merged or closed.</param>
/// <param name="PollSeconds">How often pull request status is read, per repository (at least <see cref="MinPollSeconds"/>).</param>
public sealed record GitHubConfig(string? Repository = null, string? ApiUrl = null, bool PruneMerged = false, int PollSeconds = GitHubConfig.DefaultPollSeconds)
{
    public const int DefaultPollSeconds = 60;
    public const int MinPollSeconds = 1;
}

/// <summary>A program and its arguments, run in a folder of the worktree.</summary>
public sealed record CommandConfig(string Command, IReadOnlyList<string> Args, string WorkingDirectory);

public sealed record AppConfig(CommandConfig Run, string HealthPath, IReadOnlyDictionary<string, string> Env);

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <param name="Spares">
/// PostgreSQL: how many ready-made branches of the current template Grove keeps, so a worktree's
/// branch is a rename (<c>database.spares</c>, 0 to <see cref="MaxSpares"/>; 0 turns them off).
/// </param>
public sealed record DatabaseConfig(
    DatabaseProvider Provider,
    string Name,
    string? Seed,
    CommandConfig? SeedCommand,
    string? ConnectionString,
    int Spares = DatabaseConfig.DefaultSpares)
{
    public const int DefaultSpares = 1;
    public const int MaxSpares = 8;
}
