using Grove.Hosting;
using System.Collections.Immutable;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Gateway.Tests;

/// <summary>
/// Feeds the gateway snapshots the way the supervisor does (same interface), so routes can be
/// changed at will while real backends answer.
/// </summary>
internal sealed class InMemoryHost : IGroveHost
{
    private readonly SnapshotPublisher _published = new();

    public List<(string Target, WorktreeCommand Command)> Commands { get; } = [];

    public string LogFolder { get; set; } = Path.GetTempPath();

    public RepositorySnapshot? Current => _published.Current;

    public IAsyncEnumerable<RepositorySnapshot> WatchAsync(CancellationToken cancellationToken = default) => _published.WatchAsync(cancellationToken);

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

    public Task<CommandResult> ExecuteAsync(string worktree, WorktreeCommand command, bool waitForEffect = true, CancellationToken cancellationToken = default)
    {
        var found = Current?.TryFind(worktree);
        if (found is null)
        {
            return Task.FromResult(CommandResult.Refused($"no worktree is called '{worktree}'") with { UnknownWorktree = true });
        }

        lock (Commands)
        {
            Commands.Add((worktree, command));
        }

        return Task.FromResult(CommandResult.Done($"{command.Verb()} of {worktree} requested", found));
    }

    // The gateway's tests make no worktrees: the MCP tools that do are tested against a real grove up (Grove.Cli.Tests).
    public Task<CommandResult> CreateWorktreeAsync(CreateWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(CommandResult.Refused("this test host makes no worktrees"));

    public Task<CommandResult> RemoveWorktreeAsync(RemoveWorktreeRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(CommandResult.Refused("this test host removes no worktrees"));

    public Task<CommandResult> ResetDatabaseAsync(string worktree, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(worktree, WorktreeCommand.ResetDatabase, waitForEffect: true, cancellationToken);

    public IReadOnlyList<LogLine> ReadLog(string worktree, int tail)
    {
        var path = Path.Combine(LogFolder, $"{Current?.Find(worktree)?.Slug ?? worktree}.log");
        return File.Exists(path) ? [.. WorktreeLog.ReadLastLines(path, tail).Select(line => LogLine.Parse(line, DateTimeOffset.UtcNow))] : [];
    }

    public async IAsyncEnumerable<LogLine> WatchLogsAsync(string worktree, int history = 100, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var line in ReadLog(worktree, history))
        {
            yield return line;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }
}
