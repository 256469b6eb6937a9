using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>How <see cref="Supervisor"/> runs apps; the defaults suit a developer machine.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Time between SIGTERM and SIGKILL when an app is stopped.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a running app's health endpoint is checked (while starting: every 50 ms).</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How soon a running app is checked again after a failed health check, so one that stopped answering is noticed quickly.</summary>
    public TimeSpan HealthRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a started app may take to answer its health endpoint before it shows Unhealthy.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Consecutive failed health checks that turn Running into Unhealthy.</summary>
    public int UnhealthyAfter { get; init; } = 3;

    /// <summary>Crashes in a row (each before the app was stable) after which the app shows Failed.</summary>
    public int MaxCrashes { get; init; } = 5;

    /// <summary>The first restart delay after a crash; it doubles with each crash in a row.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RestartBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Healthy time after which an app counts as stable, and earlier crashes are forgiven.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a restart or crash retry skips a step (the install) whose inputs did not change since
    /// it last succeeded and whose installed files are still there. False runs every step on every
    /// start (the behaviour before; kept for measuring, <c>bench/run crashloop</c>).
    /// </summary>
    public bool SkipUnchangedSteps { get; init; } = true;

    /// <summary>
    /// Variables a front end adds to each app's environment (an AppHost: the dashboard's
    /// OpenTelemetry endpoint): over grove.json's <c>app.env</c>, under Grove's own variables.
    /// </summary>
    public Func<WorktreeSnapshot, IReadOnlyDictionary<string, string>>? AppEnvironment { get; init; }
}
