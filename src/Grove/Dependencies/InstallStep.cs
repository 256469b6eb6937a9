using Grove.Configuration;

namespace Grove.Dependencies;

/// <summary>
/// One install in one folder of a worktree: the commands to run, the files whose content decides
/// the result, and (when the result can be reused) the folder it produces.
/// </summary>
/// <param name="Ecosystem">The package manager.</param>
/// <param name="Folder">The folder it runs in, relative to the worktree ("." for the root), with '/' separators.</param>
/// <param name="Commands">Run in order; each command's working directory is relative to the worktree.</param>
/// <param name="Inputs">Files (relative to the worktree) whose content the result depends on.</param>
/// <param name="Output">
/// The folder the install produces (relative to the worktree), copied between worktrees when the
/// inputs match; null when the result cannot be moved (it holds absolute paths) or is unknown.
/// </param>
/// <param name="Sentinel">A file inside <paramref name="Output"/> that a complete install always writes.</param>
/// <param name="UpToDateFiles">Files that must exist for a recorded install to count as still in place.</param>
/// <param name="ToolVersionCommands">Programs asked for their version (<c>--version</c>), part of the reuse key.</param>
/// <param name="AllowsHardlinks">The package manager replaces files rather than editing them, so a hard-linked tree is safe.</param>
internal sealed record InstallStep(
    Ecosystem Ecosystem,
    string Folder,
    IReadOnlyList<CommandConfig> Commands,
    IReadOnlyList<string> Inputs,
    string? Output,
    string? Sentinel,
    IReadOnlyList<string> UpToDateFiles,
    IReadOnlyList<string> ToolVersionCommands,
    bool AllowsHardlinks)
{
    /// <summary>Stable name of the step within its worktree, e.g. <c>npm:web</c>.</summary>
    public string Id { get; init; } = $"{Ecosystem.ToString().ToLowerInvariant()}:{Folder}";

    /// <summary>A result can be recorded as up to date, and skipped next time, only when the inputs are known.</summary>
    public bool CanBeUpToDate => Ecosystem != Ecosystem.Custom && Inputs.Count > 0;

    public bool IsReusable => Output is not null && CanBeUpToDate;

    /// <summary>The commands as a person would type them, for progress and errors.</summary>
    public string Describe() => string.Join(" && ", Commands.Select(CommandLine.Format));
}
