using Grove.Dependencies;
using Grove.Hosting;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>
/// A restart or a crash retry does not run the install again when nothing it depends on changed
/// (a custom install step: the worktree's sources); a reinstall, an edit, or changed inputs do.
/// </summary>
public class InstallOnRestartTests
{
    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    /// <summary>A repository whose install appends a line to a counter file outside the worktree (so it leaves git status alone).</summary>
    private static TestRepository Repository(TempFolder outside, params string[] appFlags)
    {
        var repo = AppRepository.Create(appFlags);
        var path = Path.Combine(repo.Primary, "grove.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["install"] = System.Text.Json.Nodes.JsonNode.Parse($$"""[ { "command": "sh", "args": ["-c", "echo installed >> '{{Counter(outside)}}'"] } ]""");
        File.WriteAllText(path, config.ToJsonString());
        File.WriteAllText(Path.Combine(repo.Primary, "notes.txt"), "one\n");
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "install step");
        return repo;
    }

    private static string Counter(TempFolder outside) => Path.Combine(outside.Path, "installs.txt");

    private static int Installs(TempFolder outside) => File.Exists(Counter(outside)) ? File.ReadAllLines(Counter(outside)).Length : 0;

    private static Supervisor For(TestRepository repo, SupervisorOptions options) =>
        new(repo.Catalog(), options, [new DependencyStep(new DependencyInstaller(repo.CommonGitDirectory))]);

    private static async Task RestartAndWaitAsync(Supervisor supervisor, TestRepository repo, WorktreeCommand command)
    {
        var before = repo.Runs().ReadAll().Single().Process!;
        supervisor.Execute("main", command);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running && repo.Runs().ReadAll().Single().Process != before, Within(TestSupervision.Healthy));
    }

    [Fact]
    public async Task Restart_NothingChanged_InstallNotRunAgain()
    {
        using var outside = new TempFolder();
        using var repo = Repository(outside);
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        var running = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));

        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);

        Assert.Equal(1, Installs(outside));
        Assert.Contains("install: not run again, nothing it depends on changed", File.ReadAllText(supervisor.LogPath(running.Worktrees[0])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_AfterASourceEdit_InstallRunsAgain()
    {
        using var outside = new TempFolder();
        using var repo = Repository(outside);
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));

        File.WriteAllText(Path.Combine(repo.Primary, "notes.txt"), "one\ntwo\n");
        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);
        File.WriteAllText(Path.Combine(repo.Primary, "notes.txt"), "one\ntwo\nthree\n"); // already modified: its size and time tell
        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);

        Assert.Equal(3, Installs(outside));
    }

    [Fact]
    public async Task Reinstall_NothingChanged_InstallRunsAgain()
    {
        using var outside = new TempFolder();
        using var repo = Repository(outside);
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));

        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Reinstall);
        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);

        Assert.Equal(2, Installs(outside));
    }

    [Fact]
    public async Task CrashLoop_NothingChanged_InstalledOnceThenFailed()
    {
        using var outside = new TempFolder();
        using var repo = Repository(outside, "--exit", "3");
        await using var supervisor = For(repo, TestSupervision.Fast with { MaxCrashes = 3 });
        await supervisor.StartAsync(Within(Bounded.Process));

        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(60)));

        Assert.Equal(1, Installs(outside));
    }

    [Fact]
    public async Task CrashLoop_SkipUnchangedStepsOff_InstalledOnEveryStart()
    {
        using var outside = new TempFolder();
        using var repo = Repository(outside, "--exit", "3");
        await using var supervisor = For(repo, TestSupervision.Fast with { MaxCrashes = 3, SkipUnchangedSteps = false });
        await supervisor.StartAsync(Within(Bounded.Process));

        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(60)));

        Assert.Equal(3, Installs(outside));
    }

    /// <summary>
    /// A repository whose install builds an ignored <c>out/built.txt</c> (as <c>dotnet build</c> makes <c>bin/</c>,
    /// which git status does not show) and whose app exits at once without it (as <c>dotnet run --no-build</c>),
    /// or while an ignored <c>crash-now</c> exists.
    /// </summary>
    private static TestRepository BuildingRepository(TempFolder outside)
    {
        var repo = Repository(outside);
        var path = Path.Combine(repo.Primary, "grove.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["install"] = System.Text.Json.Nodes.JsonNode.Parse($$"""[ { "command": "sh", "args": ["-c", "mkdir -p out && echo built > out/built.txt && echo installed >> '{{Counter(outside)}}'"] } ]""");
        config["app"]!["command"] = "sh";
        config["app"]!["args"] = new System.Text.Json.Nodes.JsonArray("-c", $"test -f out/built.txt || {{ echo 'not built' >&2; exit 4; }}; test -f crash-now && exit 3; exec dotnet '{AppRepository.TestApp}'");
        File.WriteAllText(path, config.ToJsonString());
        File.AppendAllText(Path.Combine(repo.Primary, ".gitignore"), "out/\ncrash-now\n");
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "a build step");
        return repo;
    }

    [Fact]
    public async Task Restart_BuildOutputDeletedUnseen_CrashRetryBuildsAgainAndAppRuns()
    {
        using var outside = new TempFolder();
        using var repo = BuildingRepository(outside);
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        var running = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));

        Directory.Delete(Path.Combine(repo.Primary, "out"), recursive: true); // 'dotnet clean': nothing git sees changed
        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);

        Assert.Equal(2, Installs(outside)); // the restart skipped it, the app crashed before it was healthy, the retry built
        Assert.Contains("install: running it again", File.ReadAllText(supervisor.LogPath(running.Worktrees[0])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashLoop_AfterARestartThatSkippedTheInstall_InstalledOnceMoreThenFailed()
    {
        using var outside = new TempFolder();
        using var repo = BuildingRepository(outside);
        await using var supervisor = For(repo, TestSupervision.Fast with { MaxCrashes = 4 });
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));

        File.WriteAllText(Path.Combine(repo.Primary, "crash-now"), ""); // ignored: the restart skips the install
        supervisor.Execute("main", WorktreeCommand.Restart);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Failed, Within(TimeSpan.FromSeconds(60)));

        Assert.Equal(2, Installs(outside)); // once more on the first retry only, not on every retry
    }

    private static async Task<TestRepository> NpmRepositoryAsync()
    {
        var repo = AppRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), "node_modules/\n");
        await NpmProject.WriteAsync(repo.Primary, NpmProject.Small);
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "npm project");
        return repo;
    }

    [Fact]
    public async Task Restart_InstalledFolderDeleted_InstallRunsAgain()
    {
        using var repo = await NpmRepositoryAsync();
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));

        Directory.Delete(Path.Combine(repo.Primary, "node_modules"), recursive: true);
        await RestartAndWaitAsync(supervisor, repo, WorktreeCommand.Restart);

        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "is-odd")), "node_modules was not installed again");
    }

    [Fact]
    public async Task Start_LockfileChangedWhileStopped_InstallRunsAgain()
    {
        using var repo = await NpmRepositoryAsync();
        await using var supervisor = For(repo, TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));
        supervisor.Execute("main", WorktreeCommand.Stop);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Stopped, Within(TimeSpan.FromSeconds(30)));

        await NpmProject.WriteAsync(repo.Primary, NpmProject.SmallPlusOne);
        supervisor.Execute("main", WorktreeCommand.Start);
        await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TimeSpan.FromMinutes(3)));

        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "is-even")), "the changed lockfile was not installed");
    }
}
