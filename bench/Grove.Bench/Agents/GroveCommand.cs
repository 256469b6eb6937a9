using Grove.Processes;

namespace Grove.Bench.Agents;

/// <summary>Runs the real grove program (beside this one) in a repository, as an agent would.</summary>
internal static class GroveCommand
{
    private static readonly string Grove = Path.Combine(AppContext.BaseDirectory, "grove.dll");

    /// <summary>Runs <c>grove <paramref name="arguments"/></c> in <paramref name="repository"/> and returns its output; a failure throws with its error.</summary>
    public static async Task<string> RunAsync(string repository, params string[] arguments)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var result = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [Grove, .. arguments], repository), limit.Token);
        return result.Succeeded
            ? result.StandardOutput
            : throw new InvalidOperationException($"grove {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError.Trim()}");
    }

    /// <summary>The process that runs <c>grove up</c> in <paramref name="repository"/>.</summary>
    public static ChildProcess StartUp(string repository, Action<bool, string> onLine) =>
        ChildProcess.Start(new ProcessSpec("dotnet", [Grove, "up"], repository), onLine);
}
