using Grove.Hosting;
using Grove.Dependencies;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>The supervisor with the real install step: installs before the app, failures, lockfile changes.</summary>
public class InstallBeforeStartTests
{
    private static readonly SupervisorOptions Fast = new() { StopGrace = TimeSpan.FromSeconds(2), RestartBackoff = TimeSpan.FromMilliseconds(100) };

    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static Supervisor For(TestRepository repo) =>
        new(repo.Catalog(), Fast, [new DependencyStep(new DependencyInstaller(repo.CommonGitDirectory))]);

    [Fact]
    public async Task FailingInstall_AppNeverStartsAndWorktreeShowsTheCommand()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"] },
              "install": [ { "command": "sh", "args": ["-c", "echo resolving; echo 'E404 no such package' >&2; exit 7"] } ],
              "ports": { "base": 39300, "range": 50 }, "gateway": { "port": 39299 } }
            """);
        await using var supervisor = For(repo);
        var states = new List<WorktreeState>();
        await using var recorder = StateRecorder.Follow(supervisor, states, s => s.Worktrees.Take(1).Select(w => w.State));

        await supervisor.StartAsync(Within(Bounded.Process));
        var failed = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(60)));

        Assert.Contains("E404 no such package", failed.Worktrees[0].StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain(repo.Runs().ReadAll(), r => r.Process is not null);
        lock (states)
        {
            Assert.Contains(WorktreeState.Installing, states);
            Assert.DoesNotContain(WorktreeState.Starting, states);
        }

        Assert.Contains("E404 no such package", File.ReadAllText(supervisor.LogPath(failed.Worktrees[0])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockfileChangedWhileRunning_InstallsAgainAndRestarts()
    {
        using var repo = AppRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), "node_modules/\n");
        await NpmProject.WriteAsync(repo.Primary, NpmProject.Small);
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "npm project");
        await using var supervisor = For(repo);

        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));
        var first = repo.Runs().ReadAll().Single().Process!;
        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "is-odd")));

        await NpmProject.WriteAsync(repo.Primary, NpmProject.SmallPlusOne);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State != WorktreeState.Running, Within(TimeSpan.FromSeconds(30)));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));

        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "is-even")), "the new dependency was not installed");
        Assert.False(first.IsAlive(), "the app was not restarted after the new install");
    }

    [Fact]
    public async Task StopDuringALongInstall_KillsTheInstallAndShowsStopped()
    {
        using var repo = TestRepository.Create();
        using var marker = new TempFolder();
        var pidFile = Path.Combine(marker.Path, "install.pid");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"] },
              "install": [ { "command": "sh", "args": ["-c", "sleep 300 & echo $! > '{{pidFile}}'; wait"] } ],
              "ports": { "base": 39400, "range": 50 }, "gateway": { "port": 39399 } }
            """);
        await using var supervisor = For(repo);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Installing, Within(TimeSpan.FromSeconds(30)));
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var sleeper = Grove.Processes.ProcessIdentity.Read(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture))!;

        supervisor.Execute("main", WorktreeCommand.Stop);
        var stopped = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Stopped, Within(TimeSpan.FromSeconds(20)));

        Assert.Equal("stopped on request", stopped.Worktrees[0].StateReason);
        Assert.False(sleeper.IsAlive(), "the install's process tree outlived the stop");
    }

    [Fact]
    public async Task FailedInstall_RetriedByItselfOnceTheLockfileIsFixed()
    {
        using var repo = AppRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), "node_modules/\n");
        await NpmProject.WriteAsync(repo.Primary, NpmProject.Small);
        var good = File.ReadAllText(Path.Combine(repo.Primary, "package-lock.json"));
        File.WriteAllText(Path.Combine(repo.Primary, "package-lock.json"), "{ broken");
        await using var supervisor = For(repo);

        await supervisor.StartAsync(Within(Bounded.Process));
        var failed = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromMinutes(2)));
        File.WriteAllText(Path.Combine(repo.Primary, "package-lock.json"), good);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));

        Assert.Contains("grove restart main", failed.Worktrees[0].StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failed.Worktrees[0].StateReason!);
        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "is-odd")));
    }
}
