namespace Grove.State;

/// <summary>A worktree's slug and port, held in the state store so they survive restarts.</summary>
/// <param name="Path">The worktree's folder, as git reports it; the lease's identity.</param>
/// <param name="Name">What slug and port were derived from: the branch, or the folder name when detached.</param>
internal sealed record Lease(string Path, string Name, string Slug, int Port, DateTimeOffset CreatedAt);

/// <summary>A worktree that needs a lease.</summary>
internal sealed record LeaseRequest(string Path, string Name, bool IsPrimary);
