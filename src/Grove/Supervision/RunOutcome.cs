namespace Grove.Supervision;

/// <summary>How one run of a worktree's app ended, as <see cref="WorktreeRunner"/> acts on it.</summary>
internal abstract record RunOutcome
{
    /// <summary>A command arrived (restart, stop, reinstall…).</summary>
    public sealed record Command(Hosting.WorktreeCommand Value) : RunOutcome;

    public sealed record Crashed(int ExitCode, bool Stable) : RunOutcome;

    /// <param name="Reason">Why the app cannot start.</param>
    /// <param name="Inputs">The step inputs it failed with (a change retries by itself); null when only a command helps.</param>
    public sealed record Blocked(string Reason, string? Inputs) : RunOutcome;

    /// <summary>Nothing to run (no app configured).</summary>
    public sealed record Idle(string Reason) : RunOutcome;

    /// <summary>The runner itself is stopping.</summary>
    public sealed record Stopping : RunOutcome;

    /// <summary>The install inputs (a lockfile) changed while the app ran.</summary>
    public sealed record InputsChanged : RunOutcome;

    /// <summary>The worktree's grove.json changed while the app ran, to another valid config.</summary>
    public sealed record ConfigChanged : RunOutcome;
}
