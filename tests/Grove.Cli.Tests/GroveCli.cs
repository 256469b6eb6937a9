using Grove.Processes;

namespace Grove.Cli.Tests;

/// <summary>Runs the real grove program (built beside these tests) as a child process.</summary>
internal static class GroveCli
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "grove.dll");

    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", [Program, .. arguments], workingDirectory),
            Bounded.Token(Bounded.Process));

    /// <summary>Runs grove with <paramref name="environment"/> set (a null value removes a variable).</summary>
    public static Task<ProcessResult> RunWithAsync(IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", [Program, .. arguments], workingDirectory) { Environment = environment },
            Bounded.Token(Bounded.Process));

    /// <summary>Runs grove and fails the test, showing its error output, unless it exits 0.</summary>
    public static async Task<string> SucceedAsync(string workingDirectory, params string[] arguments)
    {
        var result = await RunAsync(workingDirectory, arguments);
        Assert.True(result.Succeeded, $"grove {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>The command line that runs grove, for a shell script.</summary>
    public static string ShellCommand => $"dotnet '{Program}'";
}
