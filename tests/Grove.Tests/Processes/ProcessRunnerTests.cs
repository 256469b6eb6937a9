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

        await ProcessTree.CancelAndExpectTreeGoneAsync(
            ct => ProcessRunner.RunAsync(new ProcessSpec("sh", ["-c", $"sleep 300 & echo $! > '{pidFile}'; wait"]), ct),
            pidFile,
            TestContext.Current.CancellationToken);
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

    [Fact]
    public async Task RunStreaming_BothStreams_EveryLineDeliveredInOrderPerStream()
    {
        var lines = new List<string>();

        var exitCode = await ProcessRunner.RunStreamingAsync(
            new ProcessSpec("sh", ["-c", "for i in $(seq 1 500); do echo out $i; echo err $i >&2; done; printf 'no newline'; exit 7"]),
            lines.Add,
            Bounded.Token(Bounded.Process));

        Assert.Equal(7, exitCode);
        Assert.Equal(1001, lines.Count);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"out {i}"), lines.Where(l => l.StartsWith("out", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"err {i}"), lines.Where(l => l.StartsWith("err", StringComparison.Ordinal)));
        Assert.Contains("no newline", lines);
    }

    [Fact]
    public async Task RunStreaming_Cancelled_KillsWholeTree()
    {
        using var folder = new TempFolder();
        var pidFile = Path.Combine(folder.Path, "child.pid");

        await ProcessTree.CancelAndExpectTreeGoneAsync(
            ct => ProcessRunner.RunStreamingAsync(new ProcessSpec("sh", ["-c", $"sleep 300 & echo $! > '{pidFile}'; echo started; wait"]), _ => { }, ct),
            pidFile,
            TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RunStreaming_Guards_RejectNull()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => ProcessRunner.RunStreamingAsync(null!, _ => { }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => ProcessRunner.RunStreamingAsync(new ProcessSpec("true", []), null!, TestContext.Current.CancellationToken));
    }
}