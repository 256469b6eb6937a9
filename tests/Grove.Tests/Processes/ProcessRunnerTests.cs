using System.Diagnostics;
using Grove.Processes;

namespace Grove.Tests.Processes;

public class ProcessRunnerTests
{
    [Fact]
    public async Task Run_HostileArgument_IsPassedLiterallyNeverToAShell()
    {
        using var folder = new TempFolder();
        var hostile = "$(touch pwned); `touch pwned2` | & < > 'quoted' \"double\"";

        var result = await ProcessRunner.RunAsync(new ProcessSpec("printf", ["%s", hostile], folder.Path), Bounded.Token(Bounded.Process));

        Assert.Equal(hostile, result.StandardOutput);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task Run_LargeOutputOnBothStreams_IsDrained()
    {
        var script = "head -c 1000000 /dev/zero | tr '\\0' a; head -c 1000000 /dev/zero | tr '\\0' b >&2";

        var result = await ProcessRunner.RunAsync(new ProcessSpec("sh", ["-c", script]), Bounded.Token(Bounded.Process));

        Assert.Equal((1_000_000, 1_000_000), (result.StandardOutput.Length, result.StandardError.Length));
    }

    [Fact]
    public async Task Run_Cancelled_KillsWholeTree()
    {
        using var folder = new TempFolder();
        var pidFile = Path.Combine(folder.Path, "child.pid");
        using var cancel = new CancellationTokenSource();
        var run = ProcessRunner.RunAsync(new ProcessSpec("sh", ["-c", $"sleep 300 & echo $! > '{pidFile}'; wait"]), cancel.Token);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            Assert.True(deadline.Elapsed < Bounded.Process, "the child never started");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken));
        Assert.False(IsAlive(child), $"grandchild {child} survived");
    }

    [Fact]
    public async Task Run_MissingProgram_NamesWhatToInstall()
    {
        var error = await Assert.ThrowsAsync<GroveException>(() => ProcessRunner.RunAsync(new ProcessSpec("grove-no-such-program", []), Bounded.Token(Bounded.Process)));

        Assert.Contains("install grove-no-such-program", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guards_RejectNull() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => ProcessRunner.RunAsync(null!, TestContext.Current.CancellationToken));

    private static bool IsAlive(int pid)
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
