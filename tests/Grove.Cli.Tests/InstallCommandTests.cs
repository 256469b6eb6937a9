namespace Grove.Cli.Tests;

public class InstallCommandTests
{
    [Fact]
    public async Task Install_NewWorktree_ReusesPrimaryInstallWithVisibleProgress()
    {
        using var repo = await NpmProject.CreateRepositoryAsync(NpmProject.Small);
        var primary = await GroveCli.SucceedAsync(repo.Primary, "install");
        await GroveCli.SucceedAsync(repo.Primary, "new", "feature/deps");
        var linked = repo.AddWorktree("feature/other");

        var reused = await GroveCli.SucceedAsync(repo.Primary, "install", "feature/deps");
        var inside = await GroveCli.SucceedAsync(linked, "install");
        var again = await GroveCli.SucceedAsync(linked, "install");

        Assert.Contains("  $ npm ci", primary, StringComparison.Ordinal);
        Assert.Contains("grove: main is ready (npm:. installed)", primary, StringComparison.Ordinal);
        Assert.Contains("grove: npm:.: reusing node_modules", reused, StringComparison.Ordinal);
        Assert.Contains("grove: feature-deps is ready (npm:. reused)", reused, StringComparison.Ordinal);
        Assert.Contains("(npm:. reused)", inside, StringComparison.Ordinal);
        Assert.Contains("(npm:. uptodate)", again, StringComparison.Ordinal);
        var node = await Grove.Processes.ProcessRunner.RunAsync(
            new Grove.Processes.ProcessSpec("node", ["-e", "console.log(require('is-odd')(7))"], linked),
            Bounded.Token(Bounded.Process));
        Assert.Equal("true", node.StandardOutput.Trim());
    }

    [Fact]
    public async Task Install_Force_RunsThePackageManager()
    {
        using var repo = await NpmProject.CreateRepositoryAsync(NpmProject.Small);
        await GroveCli.SucceedAsync(repo.Primary, "install");

        var forced = await GroveCli.SucceedAsync(repo.Primary, "install", "--force");

        Assert.Contains("  $ npm ci", forced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_FailingInstall_ExitsOneShowingCommandCauseAndFix()
    {
        using var repo = await NpmProject.CreateRepositoryAsync(NpmProject.Small);
        var package = Path.Combine(repo.Primary, "package.json");
        await File.WriteAllTextAsync(package, (await File.ReadAllTextAsync(package, TestContext.Current.CancellationToken)).Replace("7.6.3", "7.5.0", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var result = await GroveCli.RunAsync(repo.Primary, "install");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("grove: install failed: 'npm ci' exited with code", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("in sync", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix: fix the cause shown above, then run 'grove install main'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_Terminated_EndsTheInstallTreeAndExits130()
    {
        using var repo = TestRepository.Create();
        var pidFile = Path.Combine(repo.Root, "install.pid");
        await File.WriteAllTextAsync(
            Path.Combine(repo.Primary, "grove.json"),
            $$"""{ "install": [ { "command": "sh", "args": ["-c", "sleep 300 & echo $! > '{{pidFile}}'; wait"] } ] }""",
            TestContext.Current.CancellationToken);
        var groveFile = Path.Combine(repo.Root, "grove.pid");
        var shell = $"{GroveCli.ShellCommand} install & echo $! > '{groveFile}'; wait $!";
        var run = Grove.Processes.ProcessRunner.RunAsync(new Grove.Processes.ProcessSpec("sh", ["-c", shell], repo.Primary), Bounded.Token(Bounded.Process));
        var grandchild = await ProcessTree.WaitForPidAsync(pidFile, TestContext.Current.CancellationToken);
        var grove = await ProcessTree.WaitForPidAsync(groveFile, TestContext.Current.CancellationToken);

        await Grove.Processes.ProcessRunner.RunAsync(new Grove.Processes.ProcessSpec("kill", ["-TERM", grove.ToString(System.Globalization.CultureInfo.InvariantCulture)]), Bounded.Token(Bounded.Process));
        var result = await run;

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("install of main stopped", result.StandardError, StringComparison.Ordinal);
        Assert.False(ProcessTree.IsAlive(grandchild), $"the install's process {grandchild} survived");
    }

    [Fact]
    public async Task Install_UnknownWorktree_SaysHowToFindOne()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunAsync(repo.Primary, "install", "no-such-branch");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no worktree is named 'no-such-branch'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove ls", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_NothingToInstall_SaysSo()
    {
        using var repo = TestRepository.Create();

        var output = await GroveCli.SucceedAsync(repo.Primary, "install");

        Assert.Contains("grove: nothing to install: no lockfile or project file found", output, StringComparison.Ordinal);
    }
}
