using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Dependencies;

/// <summary>
/// The files of a worktree that decide what to install: tracked or untracked but not ignored
/// (so nothing inside an installed <c>node_modules</c> counts), as '/'-separated relative paths.
/// </summary>
internal static class RepositoryFiles
{
    private static readonly string[] Patterns =
    [
        "package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc",
        "pnpm-lock.yaml", "pnpm-workspace.yaml", "yarn.lock", ".yarnrc", ".yarnrc.yml",
        "*.sln", "*.slnx", "*.csproj", "*.fsproj", "*.vbproj", "Directory.Build.props", "Directory.Build.targets",
        "Directory.Packages.props", "global.json", "[Nn]u[Gg]et.[Cc]onfig", "packages.lock.json",
        "uv.lock", "pyproject.toml", "requirements.txt", ".python-version",
    ];

    /// <summary>What package managers install: never a source of steps, even when git does not ignore it.</summary>
    private static readonly HashSet<string> InstalledFolders = new(StringComparer.Ordinal) { "node_modules", ".venv", "bower_components" };

    public static async Task<IReadOnlyList<string>> ListAsync(Git git, string worktreePath, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--" };
        arguments.AddRange(Patterns.Select(p => $":(glob)**/{p}"));
        var output = await git.RunAsync(worktreePath, arguments, cancellationToken).ConfigureAwait(false);
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal)
            .Where(path => !path.Split('/').Any(InstalledFolders.Contains) && File.Exists(Path.Combine(worktreePath, path)))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The folder of a relative path, "." for the root.</summary>
    public static string FolderOf(string relativePath)
    {
        var slash = relativePath.LastIndexOf('/');
        return slash < 0 ? "." : relativePath[..slash];
    }

    public static string Join(string folder, string name) => folder == "." ? name : $"{folder}/{name}";

    /// <summary>True when <paramref name="path"/> lies in <paramref name="folder"/> or below it.</summary>
    public static bool IsUnder(string path, string folder) =>
        folder == "." || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
