using System.Diagnostics;
using System.Globalization;

namespace Grove.Testing;

/// <summary>For tests that start a shell which records a grandchild's pid, then check it was killed.</summary>
public static class ProcessTree
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

    /// <summary>
    /// Starts <paramref name="run"/> (a shell that writes its grandchild's pid to
    /// <paramref name="pidFile"/>), cancels it once the pid is there, and throws unless the run
    /// ends cancelled and the grandchild is gone.
    /// </summary>
    public static async Task CancelAndExpectTreeGoneAsync(Func<CancellationToken, Task> run, string pidFile, CancellationToken cancellationToken)
    {
        using var cancel = new CancellationTokenSource();
        var running = run(cancel.Token);
        var child = await WaitForPidAsync(pidFile, cancellationToken);
        await cancel.CancelAsync();
        try
        {
            await running.WaitAsync(Bounded.Process, cancellationToken);
            throw new InvalidOperationException("the run finished instead of being cancelled");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Expected.
        }

        if (IsAlive(child))
        {
            throw new InvalidOperationException($"grandchild {child} survived the cancellation");
        }
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
