namespace Grove.Supervision;

/// <summary>What can be asked of one worktree's app.</summary>
public enum RunnerCommand
{
    Restart,
    Stop,
    Start,

    /// <summary>Stop the app, run every step again for real (a fresh install), start it.</summary>
    Reinstall,
}
