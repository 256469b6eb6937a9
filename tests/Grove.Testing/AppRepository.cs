using System.Text.Json;

namespace Grove.Testing;

/// <summary>
/// A real repository whose committed grove.json runs the test app (Grove.TestApp, built beside
/// these tests) with the given flags, on a port range of its own so tests never share ports.
/// </summary>
public static class AppRepository
{
    private static int _nextBase = 31000 + (Environment.ProcessId % 50 * 300);

    public static string TestApp => Path.Combine(AppContext.BaseDirectory, "Grove.TestApp.dll");

    public static TestRepository Create(params string[] flags)
    {
        var repo = TestRepository.Create();
        var @base = Interlocked.Add(ref _nextBase, 100);
        var config = new
        {
            app = new { command = "dotnet", args = new[] { TestApp }.Concat(flags).ToArray(), healthPath = "/health" },
            ports = new { @base, range = 100 },
            gateway = new { port = @base - 1 },
        };
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), JsonSerializer.Serialize(config));
        repo.Git(repo.Primary, "add", "grove.json");
        repo.Git(repo.Primary, "commit", "-q", "-m", "run the test app");
        return repo;
    }

    /// <summary>Replaces the app flags in a worktree's grove.json and commits it there.</summary>
    public static void SetFlags(TestRepository repo, string worktree, params string[] flags)
    {
        var path = Path.Combine(worktree, "grove.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var ports = document.RootElement.GetProperty("ports");
        var config = new
        {
            app = new { command = "dotnet", args = new[] { TestApp }.Concat(flags).ToArray(), healthPath = "/health" },
            ports = new { @base = ports.GetProperty("base").GetInt32(), range = 100 },
            gateway = new { port = document.RootElement.GetProperty("gateway").GetProperty("port").GetInt32() },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        repo.Git(worktree, "commit", "-q", "-am", "change the test app's flags");
    }
}
