namespace Grove.Cli.Tests;

/// <summary>A command line grove cannot parse: one error with a fix, exit code 1, no help dumped on standard output.</summary>
public class UsageErrorTests
{
    [Fact]
    public async Task UnknownCommand_ErrorWithFixLineAndExitCode1()
    {
        using var folder = new TempFolder();

        var result = await GroveCli.RunAsync(folder.Path, "frobnicate");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("grove: unknown command 'frobnicate'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: run 'grove --help' to see the commands", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput.Trim());
    }

    [Fact]
    public async Task MistypedCommand_FixNamesTheNearestCommand()
    {
        using var folder = new TempFolder();

        var result = await GroveCli.RunAsync(folder.Path, "lss");
        var sub = await GroveCli.RunAsync(folder.Path, "db", "prnue");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fix: did you mean 'grove ls'?", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, sub.ExitCode);
        Assert.Contains("fix: did you mean 'grove db prune'?", sub.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumberOptionGivenAWord_SaysWhatItNeedsWithoutDotNetTypeNames()
    {
        using var folder = new TempFolder();

        var port = await GroveCli.RunAsync(folder.Path, "up", "--port", "x");
        var timeout = await GroveCli.RunAsync(folder.Path, "wait", "--timeout", "soon");

        Assert.Equal((1, 1), (port.ExitCode, timeout.ExitCode));
        Assert.Contains("grove: --port needs a whole number, not 'x'", port.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: run 'grove up --help' for its usage", port.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove: --timeout needs a number, not 'soon'", timeout.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", port.StandardError + timeout.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ErrorNamesTheCommandsHelp()
    {
        using var folder = new TempFolder();

        var result = await GroveCli.RunAsync(folder.Path, "ls", "--bogus");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("grove: unknown option '--bogus'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: run 'grove ls --help' for its usage", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput.Trim());
    }
}
