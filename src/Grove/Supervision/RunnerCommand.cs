namespace Grove.Supervision;

/// <summary>What can be asked of one worktree's app.</summary>
public enum RunnerCommand
{
    Restart,
    Stop,
    Start,
}
