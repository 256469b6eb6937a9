using Grove.Processes;

namespace Grove.Supervision;

/// <summary>
/// A step's progress written to the worktree's log at once, in order. (<see cref="Progress{T}"/>
/// posts each report to the thread pool, so a step's last lines could land after the state that
/// follows it: "state Starting" before "installed with npm ci".)
/// </summary>
internal sealed class LogProgress(WorktreeLog log) : IProgress<string>
{
    private readonly WorktreeLog _log = log ?? throw new ArgumentNullException(nameof(log));

    public void Report(string value) => _log.Write("grove", value);
}
