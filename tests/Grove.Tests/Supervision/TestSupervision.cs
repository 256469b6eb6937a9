using Grove.Supervision;

namespace Grove.Tests.Supervision;

/// <summary>How the tests run apps: quick stops, restarts and health checks, and the bound for an app to become healthy.</summary>
internal static class TestSupervision
{
    public static readonly TimeSpan Healthy = TimeSpan.FromSeconds(60);

    public static readonly SupervisorOptions Fast = new()
    {
        StopGrace = TimeSpan.FromSeconds(2),
        RestartBackoff = TimeSpan.FromMilliseconds(100),
        HealthInterval = TimeSpan.FromMilliseconds(300),
    };
}
