using System.Text.Json;

namespace Grove.Testing;

/// <summary>
/// A real repository whose committed grove.json runs the test app (Grove.TestApp, built beside
/// these tests) with the given flags, on a port range of its own so tests never share ports.
/// </summary>
public static class AppRepository
{
    private const int RangeSize = 100;
    private static readonly List<FileStream> Claimed = [];
    private static int _nextBase = 31000;

    public static string TestApp => Path.Combine(AppContext.BaseDirectory, "Grove.TestApp.dll");

    public static TestRepository Create(params string[] flags)
    {
        var repo = TestRepository.Create();
        var @base = ClaimRange();
        var config = new
        {
            app = new { command = "dotnet", args = new[] { TestApp }.Concat(flags).ToArray(), healthPath = "/health" },
            ports = new { @base, range = RangeSize - 1 },
            gateway = new { port = @base + RangeSize - 1 }, // inside the claimed block, never an app's port
        };
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), JsonSerializer.Serialize(config));
        repo.Git(repo.Primary, "add", "grove.json");
        repo.Git(repo.Primary, "commit", "-q", "-m", "run the test app");
        return repo;
    }

    /// <summary>
    /// A port range no other test process uses: test assemblies run at once, each starting real
    /// apps, so each range is claimed through a lock file held (flock) until the process ends, and
    /// used only when none of its ports is taken (an app that outlived its test process holds one).
    /// </summary>
    private static int ClaimRange()
    {
        var folder = Path.Combine(Path.GetTempPath(), "grove-test-ports");
        Directory.CreateDirectory(folder);
        lock (Claimed)
        {
            for (; _nextBase + RangeSize < 60000; _nextBase += RangeSize)
            {
                try
                {
                    Claimed.Add(new FileStream(Path.Combine(folder, $"{_nextBase}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                    if (!AllFree(_nextBase))
                    {
                        continue; // an app of a test process that just ended may still hold a port of it: keep it claimed, unused
                    }

                    var claimed = _nextBase;
                    _nextBase += RangeSize;
                    return claimed;
                }
                catch (IOException)
                {
                    // Another test process holds this range.
                }
            }
        }

        throw new InvalidOperationException("no free port range left for a test repository (31000-60000)");
    }

    private static bool AllFree(int @base)
    {
        for (var port = @base; port < @base + RangeSize; port++)
        {
            try
            {
                var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }

        return true;
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
            ports = new { @base = ports.GetProperty("base").GetInt32(), range = ports.GetProperty("range").GetInt32() },
            gateway = new { port = document.RootElement.GetProperty("gateway").GetProperty("port").GetInt32() },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        repo.Git(worktree, "commit", "-q", "-am", "change the test app's flags");
    }
}
