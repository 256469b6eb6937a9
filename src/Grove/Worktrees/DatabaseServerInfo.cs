namespace Grove.Worktrees;

/// <summary>The PostgreSQL server Grove started for the repository's databases, as front ends show it.</summary>
/// <param name="Address">Where it listens, for example <c>127.0.0.1:54321</c>.</param>
/// <param name="DataDirectory">Its data folder (under the state folder).</param>
public sealed record DatabaseServerInfo(string Address, string DataDirectory);
