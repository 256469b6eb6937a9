using Grove.Configuration;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>
/// What an app's process gets, lowest precedence first: grove.json's <c>app.env</c>, the front
/// end's variables (an AppHost's telemetry endpoint), the steps' (the database connection), then
/// Grove's own (<c>PORT</c>, <c>GROVE_*</c>…); <c>OTEL_SERVICE_NAME</c> is the slug unless set.
/// </summary>
internal static class AppEnvironment
{
    public static Dictionary<string, string?> For(WorktreeSnapshot worktree, GroveConfig config, SupervisorOptions options, List<KeyValuePair<string, string>> fromSteps)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in config.App!.Env)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in options.AppEnvironment?.Invoke(worktree) ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in fromSteps.Concat(WorktreeEnvironment.For(worktree)))
        {
            environment[key] = value;
        }

        environment.TryAdd("OTEL_SERVICE_NAME", worktree.Slug);
        return environment;
    }
}
