using System.Diagnostics;
using System.Globalization;

namespace Grove.Testing;

/// <summary>For tests that start a shell which records a grandchild's pid, then check it was killed.</summary>
public static class ChildProcess
{
    /// <summary>Waits (bounded) until <paramref name="pidFile"/> holds a pid, and returns it.</summary>
    public static async Task<int> WaitForPidAsync(string pidFile, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            if (deadline.Elapsed > Bounded.Process)
            {
                throw new TimeoutException($"no pid appeared in {pidFile} within {Bounded.Process}");
            }

            await Task.Delay(20, cancellationToken);
        }

        return int.Parse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a process still runs after up to 5 s of grace (a zombie counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }
}
