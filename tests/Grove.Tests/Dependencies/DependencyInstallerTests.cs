using Grove.Configuration;
using Grove.Dependencies;

namespace Grove.Tests.Dependencies;

public class DependencyInstallerTests
{
    private const string ClassLibrary = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
        </Project>
        """;

    [Fact]
    public async Task EnsureInstalled_InstallEmpty_SkipsWithReason()
    {
        using var fixture = await InstallerFixture.CreateAsync(folder => File.WriteAllTextAsync(Path.Combine(folder, "package-lock.json"), "{}"));

        var report = await fixture.EnsureAsync(fixture.Repo.Primary, GroveConfigLoader.Parse("""{ "install": [] }"""));

        Assert.True(report.Skipped);
        Assert.Empty(report.Steps);
        Assert.Contains("[]", report.SkippedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalled_NothingToInstall_SkipsWithReason()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);

        var report = await fixture.EnsureAsync(fixture.Repo.Primary);

        Assert.Equal("no lockfile or project file found", report.SkippedReason);
    }

    [Fact]
    public async Task EnsureInstalled_CustomStep_RunsInItsFolderEveryTimeWithOutputToSink()
    {
        using var fixture = await InstallerFixture.CreateAsync(folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, "tools"));
            return File.WriteAllTextAsync(Path.Combine(folder, "tools", "keep"), string.Empty);
        });
        var config = GroveConfigLoader.Parse("""{ "install": [ { "command": "sh", "args": ["-c", "pwd; echo to-stderr >&2"], "workingDirectory": "tools" } ] }""");

        var first = await fixture.EnsureAsync(fixture.Repo.Primary, config);
        var second = await fixture.EnsureAsync(fixture.Repo.Primary, config);

        Assert.Equal((InstallOutcome.Installed, InstallOutcome.Installed), (Assert.Single(first.Steps).Outcome, Assert.Single(second.Steps).Outcome));
        Assert.Equal("install[0]", first.Steps[0].Step.Id);
        Assert.Contains(Path.Combine(fixture.Repo.Primary, "tools"), fixture.Output);
        Assert.Contains("to-stderr", fixture.Output);
        Assert.Contains(fixture.Output, line => line.StartsWith("$ sh -c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureInstalled_MissingProgram_FailsNamingWhatToInstall()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);
        var config = GroveConfigLoader.Parse("""{ "install": [ { "command": "grove-no-such-installer" } ] }""");

        var error = await Assert.ThrowsAsync<InstallFailedException>(() => fixture.EnsureAsync(fixture.Repo.Primary, config));

        Assert.Null(error.ExitCode);
        Assert.Contains("could not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("install grove-no-such-installer", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalled_FailingStep_StopsBeforeLaterSteps()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);
        var later = Path.Combine(fixture.Repo.Root, "later-ran");
        var config = GroveConfigLoader.Parse($$"""
            { "install": [
                { "command": "sh", "args": ["-c", "for i in $(seq 1 100); do echo line $i; done; exit 3"] },
                { "command": "touch", "args": ["{{later}}"] } ] }
            """);

        var error = await Assert.ThrowsAsync<InstallFailedException>(() => fixture.EnsureAsync(fixture.Repo.Primary, config));

        Assert.Equal(3, error.ExitCode);
        Assert.Equal(41, error.OutputTail.Count);
        Assert.Equal(("…", "line 61", "line 100"), (error.OutputTail[0], error.OutputTail[1], error.OutputTail[^1]));
        Assert.Contains("| line 100", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(later));
    }

    [Fact]
    public async Task EnsureInstalled_Cancelled_KillsWholeProcessTree()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);
        var pidFile = Path.Combine(fixture.Repo.Root, "child.pid");
        var config = GroveConfigLoader.Parse($$"""{ "install": [ { "command": "sh", "args": ["-c", "sleep 300 & echo $! > '{{pidFile}}'; wait"] } ] }""");

        await ProcessTree.CancelAndExpectTreeGoneAsync(
            ct => fixture.EnsureAsync(fixture.Repo.Primary, config, cancellationToken: ct),
            pidFile,
            TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task EnsureInstalled_CommandTimesOut_FailsNamingTheLimit()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);
        var installer = new DependencyInstaller(fixture.Repo.CommonGitDirectory) { CommandTimeout = TimeSpan.FromMilliseconds(300) };
        var worktree = await fixture.WorktreeAsync(fixture.Repo.Primary);
        var config = GroveConfigLoader.Parse("""{ "install": [ { "command": "sleep", "args": ["30"] } ] }""");

        var error = await Assert.ThrowsAsync<InstallFailedException>(() => installer.EnsureInstalledAsync(worktree, config, _ => { }, null, false, InstallerFixture.Ct));

        Assert.Null(error.ExitCode);
        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalled_DotnetProject_RestoresInEachWorktreeThenUpToDate()
    {
        RequiredTool.Check("dotnet", "dotnet-sdk-10.0");
        using var fixture = await InstallerFixture.CreateAsync(folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, "app"));
            return File.WriteAllTextAsync(Path.Combine(folder, "app", "App.csproj"), ClassLibrary);
        });
        var linked = fixture.Repo.AddWorktree("feature/dotnet");

        var primary = await fixture.EnsureAsync(fixture.Repo.Primary);
        var second = await fixture.EnsureAsync(linked);
        var again = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(primary.Steps).Outcome);
        Assert.Equal(("dotnet:app/App.csproj", InstallOutcome.Installed), (second.Steps[0].Step.Id, second.Steps[0].Outcome));
        Assert.Equal(InstallOutcome.UpToDate, Assert.Single(again.Steps).Outcome);
        Assert.True(File.Exists(Path.Combine(linked, "app", "obj", "project.assets.json")));
        Assert.Equal(string.Empty, fixture.Status(linked));
    }

    [Fact]
    public async Task EnsureInstalled_AppRunsWithNoBuild_BuildsAfterRestore()
    {
        RequiredTool.Check("dotnet", "dotnet-sdk-10.0");
        using var fixture = await InstallerFixture.CreateAsync(async folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, "app"));
            await File.WriteAllTextAsync(Path.Combine(folder, "app", "App.csproj"), ClassLibrary);
            await File.WriteAllTextAsync(Path.Combine(folder, "app", "Program.cs"), "System.Console.WriteLine(\"hi\");\n");
        });
        var config = GroveConfigLoader.Parse("""{ "app": { "command": "dotnet", "args": ["run", "--no-build", "--project", "app"] } }""");

        var report = await fixture.EnsureAsync(fixture.Repo.Primary, config);

        Assert.Equal(["dotnet:app/App.csproj", "dotnet-build:."], report.Steps.Select(s => s.Step.Id));
        Assert.True(File.Exists(Path.Combine(fixture.Repo.Primary, "app", "bin", "Debug", "net10.0", "App.dll")));
    }

    [Fact]
    public async Task Guards_RejectBadArguments()
    {
        using var fixture = await InstallerFixture.CreateAsync(_ => Task.CompletedTask);
        var worktree = await fixture.WorktreeAsync(fixture.Repo.Primary);
        var ct = TestContext.Current.CancellationToken;

        Assert.Throws<ArgumentException>(() => new DependencyInstaller(" "));
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Installer.EnsureInstalledAsync(null!, GroveConfig.Default, _ => { }, null, false, ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Installer.EnsureInstalledAsync(worktree, null!, _ => { }, null, false, ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Installer.EnsureInstalledAsync(worktree, GroveConfig.Default, null!, null, false, ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Installer.FingerprintAsync((Grove.Worktrees.WorktreeSnapshot)null!, GroveConfig.Default, ct));
        await Assert.ThrowsAsync<GroveException>(() => fixture.Installer.EnsureInstalledAsync(worktree with { Path = Path.Combine(fixture.Repo.Root, "gone") }, GroveConfig.Default, _ => { }, null, false, ct));
    }
}
