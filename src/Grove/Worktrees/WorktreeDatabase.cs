namespace Grove.Worktrees;

/// <summary>
/// A worktree's own database as every front end may show it: never a password (the app gets its
/// secrets through its environment, not through snapshots).
/// </summary>
/// <param name="Provider"><c>sqlite</c> or <c>postgres</c>, as grove.json spells it.</param>
/// <param name="Name">The PostgreSQL database name, or the SQLite file's name.</param>
/// <param name="Connection">The connection string without its password.</param>
public sealed record WorktreeDatabase(string Provider, string Name, string Connection)
{
    /// <summary>Made and in use.</summary>
    public const string Ready = "ready";

    /// <summary>Configured, not made yet.</summary>
    public const string Pending = "pending";

    /// <summary>A run that made it was interrupted (a crash); the next grove command finishes or drops it.</summary>
    public const string Unfinished = "unfinished";

    /// <summary>Making it failed; <see cref="Reason"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary><see cref="Ready"/>, <see cref="Pending"/>, <see cref="Unfinished"/> or <see cref="Failed"/>.</summary>
    public string State { get; init; } = Ready;

    /// <summary>Why it failed; null otherwise.</summary>
    public string? Reason { get; init; }
}
