using Grove.Configuration;
using Grove.Dependencies;

namespace Grove.Tests.Dependencies;

public class DependencyInstallerNpmTests
{
    private const string RequireAll =
        "console.log(require('is-odd')(3), require('is-number')('5'), require('semver').satisfies('1.2.3', '^1'), require('is-odd/node_modules/is-number/package.json').version)";

    [Fact]
    public async Task EnsureInstalled_SecondWorktree_ReusesTreeThatWorks()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();
        var linked = fixture.Repo.AddWorktree("feature/reuse");

        var first = await fixture.EnsureAsync(fixture.Repo.Primary);
        var second = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(first.Steps).Outcome);
        var reused = Assert.Single(second.Steps);
        Assert.Equal((InstallOutcome.Reused, "npm:."), (reused.Outcome, reused.Step.Id));
        Assert.NotNull(reused.Method);
        Assert.True(reused.Files > 10, $"only {reused.Files} entries materialised");
        var run = await InstallerFixture.NodeAsync(linked, RequireAll);
        Assert.True(run.Succeeded, run.StandardError);
        Assert.Equal("true true true 6.0.0", run.StandardOutput.Trim());
        var bin = new FileInfo(Path.Combine(linked, "node_modules", ".bin", "semver"));
        Assert.Equal("../semver/bin/semver.js", bin.LinkTarget);
        Assert.Equal(string.Empty, fixture.Status(linked));
        Assert.Equal(string.Empty, fixture.Status(fixture.Repo.Primary));
    }

    [Fact]
    public async Task EnsureInstalled_ThreeWorktreesAtOnce_InstallOnceReuseTwice()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();
        string[] folders = [fixture.Repo.Primary, fixture.Repo.AddWorktree("feature/a"), fixture.Repo.AddWorktree("feature/b")];

        var reports = await Task.WhenAll(folders.Select(folder => Task.Run(() => fixture.EnsureAsync(folder), TestContext.Current.CancellationToken)));

        Assert.Equal(
            [InstallOutcome.Installed, InstallOutcome.Reused, InstallOutcome.Reused],
            reports.Select(r => Assert.Single(r.Steps).Outcome).Order());
        Assert.Single(fixture.Output, line => line == "$ npm ci");
        foreach (var folder in folders)
        {
            var run = await InstallerFixture.NodeAsync(folder, RequireAll);
            Assert.True(run.Succeeded, run.StandardError);
        }
    }

    [Fact]
    public async Task EnsureInstalled_AgainUnchanged_IsUpToDateAndTouchesNothing()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();
        await fixture.EnsureAsync(fixture.Repo.Primary);
        var marker = Path.Combine(fixture.Repo.Primary, "node_modules", "grove-test-marker");
        await File.WriteAllTextAsync(marker, "kept", TestContext.Current.CancellationToken);

        var again = await fixture.EnsureAsync(fixture.Repo.Primary);

        Assert.Equal(InstallOutcome.UpToDate, Assert.Single(again.Steps).Outcome);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task EnsureInstalled_LockfileChanged_InstallsForRealAndFingerprintMoves()
    {
        using var fixture = await InstallerFixture.CreateNpmInstalledInPrimaryAsync("feature/lock");
        var linked = fixture.Linked;
        Assert.Equal(InstallOutcome.Reused, Assert.Single((await fixture.EnsureAsync(linked)).Steps).Outcome);
        var before = await fixture.Installer.FingerprintAsync(linked, GroveConfig.Default, InstallerFixture.Ct);

        await NpmProject.WriteAsync(linked, NpmProject.SmallPlusOne);
        var after = await fixture.Installer.FingerprintAsync(linked, GroveConfig.Default, InstallerFixture.Ct);
        var report = await fixture.EnsureAsync(linked);

        Assert.NotEqual(before, after);
        Assert.Equal(InstallOutcome.Installed, Assert.Single(report.Steps).Outcome);
        Assert.Contains(fixture.Output, line => line == "$ npm ci");
        var run = await InstallerFixture.NodeAsync(linked, "console.log(require('is-even')(4))");
        Assert.True(run.Succeeded, run.StandardError);
        Assert.Equal("true", run.StandardOutput.Trim());
        Assert.False(Directory.Exists(Path.Combine(fixture.Repo.Primary, "node_modules", "is-even")), "the other worktree's tree changed");
    }

    [Fact]
    public async Task Fingerprint_NothingChanged_IsStable()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();

        var first = await fixture.Installer.FingerprintAsync(fixture.Repo.Primary, GroveConfig.Default, InstallerFixture.Ct);
        await fixture.EnsureAsync(fixture.Repo.Primary);
        var second = await fixture.Installer.FingerprintAsync(fixture.Repo.Primary, GroveConfig.Default, InstallerFixture.Ct);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task EnsureInstalled_OutOfSyncLockfile_ThrowsWithCommandExitCodeAndOutputTail()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();
        var package = Path.Combine(fixture.Repo.Primary, "package.json");
        await File.WriteAllTextAsync(package, (await File.ReadAllTextAsync(package, TestContext.Current.CancellationToken)).Replace("\"semver\": \"7.6.3\"", "\"semver\": \"7.5.0\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InstallFailedException>(() => fixture.EnsureAsync(fixture.Repo.Primary));
        var again = await Assert.ThrowsAsync<InstallFailedException>(() => fixture.EnsureAsync(fixture.Repo.Primary));

        Assert.Equal(("npm ci", "npm:."), (error.Command, error.StepId));
        Assert.NotNull(error.ExitCode);
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains(error.OutputTail, line => line.Contains("in sync", StringComparison.Ordinal));
        Assert.Contains("'npm ci' exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("grove install main", error.Fix, StringComparison.Ordinal);
        Assert.Equal(error.Command, again.Command);
    }

    [Fact]
    public async Task EnsureInstalled_CacheAndSourceWorktreeEdited_DoubtMeansRealInstall()
    {
        using var fixture = await InstallerFixture.CreateNpmInstalledInPrimaryAsync("feature/doubt");
        var linked = fixture.Linked;
        await ReplaceCachedFileAsync(fixture);
        await File.AppendAllTextAsync(Path.Combine(fixture.Repo.Primary, "node_modules", "is-odd", "index.js"), "\n// edited in place\n", TestContext.Current.CancellationToken);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(report.Steps).Outcome);
        Assert.Contains(fixture.Output, line => line.StartsWith("grove: not reusing", StringComparison.Ordinal) && line.Contains("changed", StringComparison.Ordinal));
        Assert.Contains(fixture.Output, line => line.Contains("changed after it was installed", StringComparison.Ordinal));
        var run = await InstallerFixture.NodeAsync(linked, "console.log(require('is-odd')(3))");
        Assert.Equal("true", run.StandardOutput.Trim());
        Assert.DoesNotContain("edited in place", await File.ReadAllTextAsync(Path.Combine(linked, "node_modules", "is-odd", "index.js"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureInstalled_CacheEditedSourceWorktreeIntact_ReusesTheWorktreesTree()
    {
        using var fixture = await InstallerFixture.CreateNpmInstalledInPrimaryAsync("feature/intact");
        var linked = fixture.Linked;
        await ReplaceCachedFileAsync(fixture);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Reused, Assert.Single(report.Steps).Outcome);
        var run = await InstallerFixture.NodeAsync(linked, "console.log(require('is-odd')(3))");
        Assert.Equal("true", run.StandardOutput.Trim());
    }

    [Fact]
    public async Task EnsureInstalled_OtherWorktreeInstalledButCacheGone_ReusesFromThatWorktree()
    {
        using var fixture = await InstallerFixture.CreateNpmInstalledInPrimaryAsync("feature/from-worktree");
        var linked = fixture.Linked;
        Directory.Delete(fixture.Installer.CacheFolder, recursive: true);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Reused, Assert.Single(report.Steps).Outcome);
        var run = await InstallerFixture.NodeAsync(linked, RequireAll);
        Assert.True(run.Succeeded, run.StandardError);
    }

    [Fact]
    public async Task EnsureInstalled_CacheGoneAndOtherWorktreeChanged_InstallsForReal()
    {
        using var fixture = await InstallerFixture.CreateNpmInstalledInPrimaryAsync("feature/changed");
        var linked = fixture.Linked;
        Directory.Delete(fixture.Installer.CacheFolder, recursive: true);
        await File.WriteAllTextAsync(Path.Combine(fixture.Repo.Primary, "node_modules", "is-odd", "extra.js"), "// added by hand", TestContext.Current.CancellationToken);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(report.Steps).Outcome);
        Assert.False(File.Exists(Path.Combine(linked, "node_modules", "is-odd", "extra.js")));
    }

    [Fact]
    public async Task EnsureInstalled_OutputNotIgnored_InstallsRatherThanCopying()
    {
        using var fixture = await InstallerFixture.CreateAsync(folder => NpmProject.WriteAsync(folder, NpmProject.Small), gitignore: string.Empty);
        var linked = fixture.Repo.AddWorktree("feature/not-ignored");
        await fixture.EnsureAsync(fixture.Repo.Primary);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(report.Steps).Outcome);
        Assert.Contains(fixture.Output, line => line.Contains("node_modules is not ignored by git", StringComparison.Ordinal));
        await NpmProject.WriteAsync(Path.Combine(linked, "node_modules", "vendored"), NpmProject.Small, "vendored");
        Assert.Single(await fixture.Installer.PlanAsync(linked, GroveConfig.Default, InstallerFixture.Ct));
    }

    [Fact]
    public async Task EnsureInstalled_Force_InstallsEvenWhenUpToDate()
    {
        using var fixture = await InstallerFixture.CreateNpmAsync();
        await fixture.EnsureAsync(fixture.Repo.Primary);

        var forced = await fixture.EnsureAsync(fixture.Repo.Primary, force: true);

        Assert.Equal(InstallOutcome.Installed, Assert.Single(forced.Steps).Outcome);
    }

    [Fact]
    public async Task EnsureInstalled_ApiAndFrontEndFolder_RunsBoth()
    {
        using var fixture = await InstallerFixture.CreateAsync(async folder =>
        {
            await NpmProject.WriteAsync(folder, NpmProject.Small);
            await NpmProject.WriteAsync(Path.Combine(folder, "web"), NpmProject.SmallPlusOne, "web");
        });
        var linked = fixture.Repo.AddWorktree("feature/both");
        await fixture.EnsureAsync(fixture.Repo.Primary);

        var report = await fixture.EnsureAsync(linked);

        Assert.Equal(["npm:.", "npm:web"], report.Steps.Select(s => s.Step.Id));
        Assert.All(report.Steps, s => Assert.Equal(InstallOutcome.Reused, s.Outcome));
        var run = await InstallerFixture.NodeAsync(Path.Combine(linked, "web"), "console.log(require('is-even')(2))");
        Assert.Equal("true", run.StandardOutput.Trim());
        Assert.Equal(string.Empty, fixture.Status(linked));
    }

    /// <summary>Replaces is-odd's index.js in the cache with another file (the worktrees' copies are untouched).</summary>
    private static async Task ReplaceCachedFileAsync(InstallerFixture fixture)
    {
        var cached = Directory.GetFiles(fixture.Installer.CacheFolder, "index.js", SearchOption.AllDirectories)
            .First(f => f.EndsWith("/tree/is-odd/index.js", StringComparison.Ordinal));
        File.Delete(cached);
        await File.WriteAllTextAsync(cached, "module.exports = () => 'tampered';", TestContext.Current.CancellationToken);
    }
}
