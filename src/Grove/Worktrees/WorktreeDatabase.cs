namespace Grove.Worktrees;

/// <summary>
/// A worktree's own database as every front end may show it: never a password (the app gets its
/// secrets through its environment, not through snapshots).
/// </summary>
/// <param name="Provider"><c>sqlite</c> or <c>postgres</c>, as grove.json spells it.</param>
/// <param name="Name">The PostgreSQL database name, or the SQLite file's name.</param>
/// <param name="Connection">The connection string without its password.</param>
public sealed record WorktreeDatabase(string Provider, string Name, string Connection);
