using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>Adds what a picker takes of each snapshot to a list (locked on the list), on its own subscription, until disposed.</summary>
internal sealed class StateRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private StateRecorder(Supervisor supervisor, List<WorktreeState> states, Func<RepositorySnapshot, IEnumerable<WorktreeState>> pick) =>
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in supervisor.WatchAsync(_stop.Token))
                {
                    lock (states)
                    {
                        states.AddRange(pick(snapshot));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });

    public static StateRecorder Follow(Supervisor supervisor, List<WorktreeState> states, Func<RepositorySnapshot, IEnumerable<WorktreeState>> pick) => new(supervisor, states, pick);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
