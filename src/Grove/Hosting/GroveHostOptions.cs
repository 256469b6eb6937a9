using Grove.Worktrees;
using Microsoft.Extensions.Logging;

namespace Grove.Hosting;

/// <summary>What a front end tells <see cref="GroveHost"/> about the repository and itself.</summary>
public sealed record GroveHostOptions
{
    /// <summary>Any folder inside the repository (one of its worktrees, or its git directory).</summary>
    public required string RepositoryPath { get; init; }

    /// <summary>The front end's name, as other grove processes name it (<c>grove up</c>, <c>AppHost</c>).</summary>
    public string FrontEnd { get; init; } = "grove up";

    /// <summary>Variables added to every app's environment (over <c>app.env</c>, under Grove's own), such as the dashboard's OpenTelemetry endpoint.</summary>
    public Func<WorktreeSnapshot, IReadOnlyDictionary<string, string>>? AppEnvironment { get; init; }

    /// <summary>A PostgreSQL server to branch the worktrees' databases in, over grove.json's <c>database.connectionString</c>; null: as configured.</summary>
    public string? DatabaseConnectionString { get; init; }

    /// <summary>Where Grove's own log messages go (not the worktrees' logs, which have their own streams).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider? Time { get; init; }

    /// <summary>How apps are run: health checks, restarts, stop grace.</summary>
    public Supervision.SupervisorOptions Supervision { get; init; } = new();

    /// <summary>The longest a command waits for its effect (an app restarted and healthy) before it answers anyway.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
