
namespace Grove.Processes;

/// <summary>
/// The one way Grove calls git: the <c>git</c> CLI with an argument list, no prompts, no
/// optional locks (so reading never races a user's own git commands).
/// </summary>
internal sealed class Git
{
    private static readonly Dictionary<string, string?> QuietEnvironment = new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_OPTIONAL_LOCKS"] = "0",
        ["GIT_PAGER"] = "cat",
        ["LC_ALL"] = "C",
    };

    public Git(string executable = "git")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        Executable = executable;
    }

    public string Executable { get; }

    /// <summary>Runs git and returns its result whatever the exit code.</summary>
    public Task<ProcessResult> TryRunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        ArgumentNullException.ThrowIfNull(arguments);
        var spec = new ProcessSpec(Executable, ["-c", "core.quotepath=off", .. arguments], workingDirectory)
        {
            Environment = QuietEnvironment,
        };
        return ProcessRunner.RunAsync(spec, cancellationToken);
    }

    /// <summary>Runs git and returns its standard output; a non-zero exit becomes a <see cref="GroveException"/>.</summary>
    public async Task<string> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await TryRunAsync(workingDirectory, arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new GroveException($"git {string.Join(' ', arguments)} failed: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }
}
