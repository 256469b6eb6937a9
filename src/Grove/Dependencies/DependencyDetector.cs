using Grove.Configuration;

namespace Grove.Dependencies;

/// <summary>
/// Decides what a worktree needs installed: grove.json's <c>install</c> when set, otherwise what
/// its lockfiles and project files call for, one step per folder (an API at the root and a
/// front-end in <c>web/</c> give two steps), root first.
/// </summary>
internal static class DependencyDetector
{
    private static readonly string[] DotnetSolutions = [".sln", ".slnx"];
    private static readonly string[] DotnetProjects = [".csproj", ".fsproj", ".vbproj"];
    private static readonly string[] UvInputs = ["uv.lock", "pyproject.toml", ".python-version"];
    private static readonly string[] PipInputs = ["requirements.txt", ".python-version"];
    private static readonly string[] DotnetInputNames =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "packages.lock.json"];

    /// <summary>The steps for a worktree whose relevant files are <paramref name="files"/> (from <see cref="RepositoryFiles"/>).</summary>
    public static IReadOnlyList<InstallStep> Detect(IReadOnlyList<string> files, GroveConfig config)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Install is not null)
        {
            return [.. config.Install.Select((command, index) => FromConfig(command, index, files))];
        }

        var steps = new List<InstallStep>();
        steps.AddRange(DetectDotnet(files, config.App));
        foreach (var folder in files.Select(RepositoryFiles.FolderOf).Distinct(StringComparer.Ordinal).OrderBy(Depth).ThenBy(f => f, StringComparer.Ordinal))
        {
            var names = files.Where(f => RepositoryFiles.FolderOf(f) == folder).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var javascript = DetectJavaScript(folder, names);
            if (javascript is not null)
            {
                steps.Add(javascript);
            }

            var python = DetectPython(folder, names);
            if (python is not null)
            {
                steps.Add(python);
            }
        }

        return steps;
    }

    private static int Depth(string folder) => folder == "." ? 0 : folder.Count(c => c == '/') + 1;

    private static InstallStep? DetectJavaScript(string folder, HashSet<string?> names)
    {
        if (!names.Contains("package.json"))
        {
            return null;
        }

        if (names.Contains("pnpm-lock.yaml"))
        {
            return NodeStep(Ecosystem.Pnpm, folder, "pnpm", ["install", "--frozen-lockfile"], "pnpm-lock.yaml", ".modules.yaml", names, ["pnpm-workspace.yaml"], hardlinks: true);
        }

        if (names.Contains("yarn.lock"))
        {
            // Yarn 2+ (a .yarnrc.yml) may use Plug'n'Play, which keeps no node_modules: installed, never copied.
            return names.Contains(".yarnrc.yml")
                ? NodeStep(Ecosystem.Yarn, folder, "yarn", ["install", "--immutable"], "yarn.lock", null, names, [".yarnrc.yml"], hardlinks: true)
                : NodeStep(Ecosystem.Yarn, folder, "yarn", ["install", "--frozen-lockfile"], "yarn.lock", ".yarn-integrity", names, [".yarnrc"], hardlinks: true);
        }

        var npmLock = names.Contains("npm-shrinkwrap.json") ? "npm-shrinkwrap.json" : names.Contains("package-lock.json") ? "package-lock.json" : null;
        // npm rewrites node_modules/.package-lock.json in place, so its trees are copied, never hard-linked.
        return npmLock is null ? null : NodeStep(Ecosystem.Npm, folder, "npm", ["ci"], npmLock, ".package-lock.json", names, [], hardlinks: false);
    }

    /// <summary>
    /// A node package manager's step. pnpm and Yarn replace files in node_modules (unlink and write
    /// anew), so a hard-linked tree is safe for them (pnpm links from its own store the same way);
    /// npm edits node_modules/.package-lock.json in place, so its trees are copied.
    /// </summary>
    private static InstallStep NodeStep(
        Ecosystem ecosystem, string folder, string program, IReadOnlyList<string> args, string lockfile, string? sentinel, HashSet<string?> names, IReadOnlyList<string> extraInputs, bool hardlinks)
    {
        var inputs = new[] { "package.json", lockfile, ".npmrc" }.Concat(extraInputs)
            .Where(names.Contains)
            .Select(name => RepositoryFiles.Join(folder, name))
            .ToList();
        var output = sentinel is null ? null : RepositoryFiles.Join(folder, "node_modules");
        return new InstallStep(
            ecosystem,
            folder,
            [new CommandConfig(program, args, folder)],
            inputs,
            output,
            sentinel is null ? null : $"{output}/{sentinel}",
            [RepositoryFiles.Join(folder, sentinel is null ? ".yarn/install-state.gz" : "node_modules")],
            ["node", program],
            hardlinks);
    }

    private static InstallStep? DetectPython(string folder, HashSet<string?> names)
    {
        var venv = RepositoryFiles.Join(folder, ".venv");
        if (names.Contains("uv.lock"))
        {
            var inputs = UvInputs.Where(names.Contains).Select(n => RepositoryFiles.Join(folder, n)).ToList();

            // A virtual environment holds absolute paths: it is installed in place (uv's own cache makes that quick), never copied.
            return new InstallStep(Ecosystem.Uv, folder, [new CommandConfig("uv", ["sync", "--frozen"], folder)], inputs, null, null, [venv], ["uv"], false);
        }

        if (names.Contains("requirements.txt"))
        {
            var inputs = PipInputs.Where(names.Contains).Select(n => RepositoryFiles.Join(folder, n)).ToList();
            CommandConfig[] commands =
            [
                new("python3", ["-m", "venv", ".venv"], folder),
                new(".venv/bin/python", ["-m", "pip", "install", "--disable-pip-version-check", "-r", "requirements.txt"], folder),
            ];
            return new InstallStep(Ecosystem.Pip, folder, commands, inputs, null, null, [venv], ["python3"], false);
        }

        return null;
    }

    private static IEnumerable<InstallStep> DetectDotnet(IReadOnlyList<string> files, AppConfig? app)
    {
        var solutions = files.Where(f => HasExtension(f, DotnetSolutions)).ToList();
        var projects = files.Where(f => HasExtension(f, DotnetProjects)).ToList();
        var targets = solutions.Count > 0
            ? solutions.Where(s => Depth(RepositoryFiles.FolderOf(s)) == solutions.Min(x => Depth(RepositoryFiles.FolderOf(x)))).ToList()
            : projects;
        if (targets.Count == 0)
        {
            yield break;
        }

        // NuGet's restore output (obj/) holds absolute paths, so it is never copied; the packages
        // themselves are shared already through NuGet's global packages folder.
        var inputs = files.Where(f => HasExtension(f, DotnetSolutions) || HasExtension(f, DotnetProjects)
            || DotnetInputNames.Contains(Path.GetFileName(f), StringComparer.Ordinal)
            || string.Equals(Path.GetFileName(f), "nuget.config", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var target in targets)
        {
            var folder = RepositoryFiles.FolderOf(target);
            var restored = projects.Where(p => RepositoryFiles.IsUnder(p, folder))
                .Select(p => RepositoryFiles.Join(RepositoryFiles.FolderOf(p), "obj/project.assets.json"))
                .ToList();
            yield return new InstallStep(
                Ecosystem.Dotnet,
                folder,
                [new CommandConfig("dotnet", ["restore", Path.GetFileName(target)], folder)],
                inputs,
                null,
                null,
                restored,
                ["dotnet"],
                false)
            {
                Id = $"dotnet:{target}",
            };
        }

        var build = BuildForNoBuild(app);
        if (build is not null)
        {
            yield return build;
        }
    }

    /// <summary>An app started with <c>dotnet run --no-build</c> needs a build first: always run (the build is incremental).</summary>
    private static InstallStep? BuildForNoBuild(AppConfig? app)
    {
        if (app is null || Path.GetFileNameWithoutExtension(app.Run.Command) != "dotnet" || !app.Run.Args.Contains("--no-build"))
        {
            return null;
        }

        var args = new List<string> { "build" };
        var run = app.Run.Args;
        for (var i = 0; i < run.Count - 1; i++)
        {
            if (run[i] is "--project")
            {
                args.Add(run[i + 1]);
            }
            else if (run[i] is "-c" or "--configuration" or "-f" or "--framework" or "-r" or "--runtime")
            {
                args.Add(run[i]);
                args.Add(run[i + 1]);
            }
        }

        var folder = app.Run.WorkingDirectory;
        return new InstallStep(Ecosystem.Dotnet, folder, [new CommandConfig("dotnet", args, folder)], [], null, null, [], ["dotnet"], false)
        {
            Id = $"dotnet-build:{folder}",
        };
    }

    private static bool HasExtension(string path, string[] extensions) =>
        extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A step written in grove.json. A command Grove recognises (<c>npm ci</c>, a frozen pnpm or
    /// yarn install) in a folder with its lockfile is reused like a detected one; anything else
    /// runs every time.
    /// </summary>
    private static InstallStep FromConfig(CommandConfig command, int index, IReadOnlyList<string> files)
    {
        var folder = NormaliseFolder(command.WorkingDirectory);
        var names = files.Where(f => RepositoryFiles.FolderOf(f) == folder).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var program = Path.GetFileName(command.Command);
        var args = command.Args;
        var frozen = args.Contains("--frozen-lockfile") || args.Contains("--immutable");
        var recognised = (program, args.Count > 0 ? args[0] : null) switch
        {
            ("npm", "ci") when names.Contains("package-lock.json") || names.Contains("npm-shrinkwrap.json") => DetectJavaScript(folder, names),
            ("pnpm", "install" or "i") when frozen && names.Contains("pnpm-lock.yaml") => DetectJavaScript(folder, names),
            ("yarn", _) when frozen && names.Contains("yarn.lock") => DetectJavaScript(folder, names),
            _ => null,
        };
        if (recognised is not null && recognised.Ecosystem.ToString().Equals(program, StringComparison.OrdinalIgnoreCase))
        {
            return recognised with { Commands = [command with { WorkingDirectory = folder }], Id = $"install[{index}]:{recognised.Id}" };
        }

        return new InstallStep(Ecosystem.Custom, folder, [command with { WorkingDirectory = folder }], [], null, null, [], [], false)
        {
            Id = $"install[{index}]",
        };
    }

    private static string NormaliseFolder(string folder)
    {
        var parts = folder.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        return parts.Length == 0 ? "." : string.Join('/', parts);
    }
}
