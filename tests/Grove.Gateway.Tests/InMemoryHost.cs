using System.Collections.Immutable;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Gateway.Tests;

/// <summary>
/// Feeds the gateway snapshots the way the supervisor does (same interface), so routes can be
/// changed at will while real backends answer.
/// </summary>
internal sealed class InMemoryHost : IAppHost
{
    private readonly SnapshotPublisher _published = new();

    public List<(string Target, RunnerCommand Command)> Commands { get; } = [];

    public string LogFolder { get; set; } = Path.GetTempPath();

    public RepositorySnapshot? Current => _published.Current;

    public event EventHandler<RepositorySnapshot>? Changed
    {
        add => _published.Changed += value;
        remove => _published.Changed -= value;
    }

    public static WorktreeSnapshot Worktree(string slug, int port, WorktreeState state = WorktreeState.Running, string? reason = null) => new()
    {
        Slug = slug,
        Branch = $"feature/{slug}",
        Path = $"/repo/{slug}",
        Head = null,
        IsPrimary = false,
        IsDetached = false,
        Port = port,
        Url = $"http://127.0.0.1:{port}",
        GatewayUrl = $"http://{slug}.localhost:0",
        State = state,
        StateReason = reason,
        IsLocked = false,
        IsPrunable = false,
    };

    public void Publish(params WorktreeSnapshot[] worktrees) =>
        _published.Publish(new RepositorySnapshot("/repo/.git", [.. worktrees], DateTimeOffset.UtcNow));

    public Task<RepositorySnapshot> WaitForAsync(Func<RepositorySnapshot, bool> condition, CancellationToken cancellationToken = default) =>
        _published.WaitForAsync(condition, cancellationToken);

    public string Execute(string target, RunnerCommand command)
    {
        _ = Current?.Find(target) ?? throw new GroveException($"no worktree is called '{target}'");
        lock (Commands)
        {
            Commands.Add((target, command));
        }

        return $"{command.ToString().ToLowerInvariant()} of {target} requested";
    }

    public string LogPath(WorktreeSnapshot worktree) => Path.Combine(LogFolder, $"{worktree.Slug}.log");
}
