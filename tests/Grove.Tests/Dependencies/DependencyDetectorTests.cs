using Grove.Configuration;
using Grove.Dependencies;

namespace Grove.Tests.Dependencies;

public class DependencyDetectorTests
{
    [Fact]
    public void Detect_ApiAndFrontEnd_DotnetFirstThenEachFolderRootFirst()
    {
        string[] files = ["Api.sln", "src/Api/Api.csproj", "tests/Api.Tests/Api.Tests.csproj", "Directory.Packages.props", "web/package.json", "web/pnpm-lock.yaml", "package.json", "package-lock.json"];

        var steps = DependencyDetector.Detect(files, GroveConfig.Default);

        Assert.Equal(["dotnet:Api.sln", "npm:.", "pnpm:web"], steps.Select(s => s.Id));
        var dotnet = steps[0];
        Assert.Equal(["restore", "Api.sln"], dotnet.Commands[0].Args);
        Assert.Null(dotnet.Output);
        Assert.Contains("Directory.Packages.props", dotnet.Inputs);
        Assert.Equal(["src/Api/obj/project.assets.json", "tests/Api.Tests/obj/project.assets.json"], dotnet.UpToDateFiles);
        var npm = steps[1];
        Assert.Equal(("npm", "ci", "node_modules", "node_modules/.package-lock.json"), (npm.Commands[0].Command, npm.Commands[0].Args[0], npm.Output, npm.Sentinel));
        Assert.Equal(["package.json", "package-lock.json"], npm.Inputs);
        Assert.True(npm.IsReusable);
        Assert.False(npm.AllowsHardlinks); // npm edits node_modules/.package-lock.json in place
        var pnpm = steps[2];
        Assert.Equal(("web", "web/node_modules", "web"), (pnpm.Folder, pnpm.Output, pnpm.Commands[0].WorkingDirectory));
        Assert.Equal(["install", "--frozen-lockfile"], pnpm.Commands[0].Args);
        Assert.True(pnpm.AllowsHardlinks);
    }

    [Fact]
    public void Detect_ProjectsWithoutSolution_RestoresEachProject()
    {
        var steps = DependencyDetector.Detect(["a/A.csproj", "b/B.fsproj"], GroveConfig.Default);

        Assert.Equal(["dotnet:a/A.csproj", "dotnet:b/B.fsproj"], steps.Select(s => s.Id));
        Assert.Equal(("a", "A.csproj"), (steps[0].Commands[0].WorkingDirectory, steps[0].Commands[0].Args[1]));
    }

    [Fact]
    public void Detect_AppRunsWithNoBuild_AddsBuildWithItsConfiguration()
    {
        var config = GroveConfigLoader.Parse("""{ "app": { "command": "dotnet", "args": ["run", "--no-build", "-c", "Release", "--project", "src/Api"] } }""");

        var steps = DependencyDetector.Detect(["src/Api/Api.csproj"], config);

        Assert.Equal(["dotnet:src/Api/Api.csproj", "dotnet-build:."], steps.Select(s => s.Id));
        Assert.Equal(["build", "-c", "Release", "src/Api"], steps[1].Commands[0].Args);
        Assert.False(steps[1].CanBeUpToDate);
    }

    [Fact]
    public void Detect_AppRunsWithBuild_NoBuildStep() =>
        Assert.Single(DependencyDetector.Detect(["Api.csproj"], GroveConfigLoader.Parse("""{ "app": { "command": "dotnet", "args": ["run"] } }""")));

    [Theory]
    [InlineData("yarn.lock", "yarn:.", "--frozen-lockfile", true)]
    [InlineData("npm-shrinkwrap.json", "npm:.", "ci", true)]
    public void Detect_JavaScriptLockfiles_PickTheirPackageManager(string lockfile, string id, string argument, bool reusable)
    {
        var step = Assert.Single(DependencyDetector.Detect(["package.json", lockfile], GroveConfig.Default));

        Assert.Equal(id, step.Id);
        Assert.Contains(argument, step.Commands[0].Args);
        Assert.Equal(reusable, step.IsReusable);
        Assert.Contains(lockfile, step.Inputs);
    }

    [Fact]
    public void Detect_YarnBerry_InstalledNeverCopied()
    {
        var step = Assert.Single(DependencyDetector.Detect(["package.json", "yarn.lock", ".yarnrc.yml"], GroveConfig.Default));

        Assert.Equal(["install", "--immutable"], step.Commands[0].Args);
        Assert.False(step.IsReusable);
        Assert.True(step.CanBeUpToDate);
    }

    [Fact]
    public void Detect_LockfileWithoutPackageJson_OrPackageJsonWithoutLockfile_Nothing()
    {
        Assert.Empty(DependencyDetector.Detect(["package-lock.json"], GroveConfig.Default));
        Assert.Empty(DependencyDetector.Detect(["package.json"], GroveConfig.Default));
    }

    [Fact]
    public void Detect_Python_UvSyncOrVenvWithPip()
    {
        var steps = DependencyDetector.Detect(["svc/uv.lock", "svc/pyproject.toml", "tools/requirements.txt"], GroveConfig.Default);

        Assert.Equal(["uv:svc", "pip:tools"], steps.Select(s => s.Id));
        Assert.Equal(["sync", "--frozen"], steps[0].Commands[0].Args);
        Assert.Equal(["python3", ".venv/bin/python"], steps[1].Commands.Select(c => c.Command));
        Assert.All(steps, s => Assert.False(s.IsReusable));
        Assert.Equal(["tools/.venv"], steps[1].UpToDateFiles);
    }

    [Fact]
    public void Detect_ConfigOverride_ReplacesDetectionAndRecognisesNpmCi()
    {
        var config = GroveConfigLoader.Parse("""
            { "install": [
                { "command": "npm", "args": ["ci", "--omit=dev"], "workingDirectory": "./web/" },
                { "command": "make", "args": ["deps"] } ] }
            """);

        var steps = DependencyDetector.Detect(["App.csproj", "web/package.json", "web/package-lock.json"], config);

        Assert.Equal(["install[0]:npm:web", "install[1]"], steps.Select(s => s.Id));
        Assert.Equal((Ecosystem.Npm, true, "web"), (steps[0].Ecosystem, steps[0].IsReusable, steps[0].Commands[0].WorkingDirectory));
        Assert.Equal(["ci", "--omit=dev"], steps[0].Commands[0].Args);
        Assert.Equal((Ecosystem.Custom, false, false), (steps[1].Ecosystem, steps[1].IsReusable, steps[1].CanBeUpToDate));
    }

    [Fact]
    public void Detect_ConfigNpmInstall_NotReproducibleSoCustom()
    {
        var config = GroveConfigLoader.Parse("""{ "install": [ { "command": "npm", "args": ["install"] } ] }""");

        Assert.Equal(Ecosystem.Custom, Assert.Single(DependencyDetector.Detect(["package.json", "package-lock.json"], config)).Ecosystem);
    }

    [Fact]
    public void Describe_QuotesWordsAShellWouldSplit()
    {
        var step = Assert.Single(DependencyDetector.Detect([], GroveConfigLoader.Parse("""{ "install": [ { "command": "sh", "args": ["-c", "echo 'hi' there"], "workingDirectory": "tools" } ] }""")));

        Assert.Equal("sh -c 'echo '\\''hi'\\'' there' (in tools)", step.Describe());
    }

    [Fact]
    public void Guards_RejectNull()
    {
        Assert.Throws<ArgumentNullException>(() => DependencyDetector.Detect(null!, GroveConfig.Default));
        Assert.Throws<ArgumentNullException>(() => DependencyDetector.Detect([], null!));
    }
}
