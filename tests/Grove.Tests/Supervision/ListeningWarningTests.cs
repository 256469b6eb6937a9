using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>Apps get HOST and HOSTNAME set to loopback, and one that listens beyond loopback shows a warning naming the fix.</summary>
public class ListeningWarningTests
{
    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static async Task<string> GetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Running_AppListensOnEveryInterface_WarningNamesAddressAndFix()
    {
        using var repo = AppRepository.Create("--bind-any");
        await using var supervisor = new Supervisor(repo.Catalog(), TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));

        var warned = await supervisor.WaitForAsync(s => s.Worktrees[0] is { State: WorktreeState.Running, Warning: not null }, Within(TestSupervision.Healthy));

        var worktree = warned.Worktrees[0];
        Assert.Contains($"listens on 0.0.0.0:{worktree.Port}, reachable from the network", worktree.Warning, StringComparison.Ordinal);
        Assert.Contains("bind it to 127.0.0.1", worktree.Warning, StringComparison.Ordinal);
        Assert.Contains("server.listen(process.env.PORT, process.env.HOST)", worktree.Warning, StringComparison.Ordinal); // the app ignores HOST: say how to use it
        Assert.Equal(worktree.Warning, repo.Runs().ReadAll().Single().Warning); // what other grove processes (ls) read
        Assert.Contains("warning: the app listens on 0.0.0.0", File.ReadAllText(supervisor.LogPath(worktree)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_AppBindsToItsHostVariable_LoopbackAndNoWarning()
    {
        using var repo = AppRepository.Create("--bind-host");
        await using var supervisor = new Supervisor(repo.Catalog(), TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));
        var running = await supervisor.WaitForAsync(s => s.Worktrees[0].State == WorktreeState.Running, Within(TestSupervision.Healthy));
        var url = running.Worktrees[0].Url;

        Assert.Equal("127.0.0.1", await GetAsync($"{url}/env/HOST"));
        Assert.Equal("127.0.0.1", await GetAsync($"{url}/env/HOSTNAME"));
        await Task.Delay(TestSupervision.Fast.HealthInterval * 3, TestContext.Current.CancellationToken); // a few more health checks, each looking again
        Assert.Null(supervisor.Current!.Worktrees[0].Warning);
        Assert.Null(repo.Runs().ReadAll().Single().Warning);
    }

    [Fact]
    public async Task Running_AppEnvOpensHostOnPurpose_AppGetsItAndWarningShows()
    {
        using var repo = AppRepository.Create("--bind-host");
        var path = Path.Combine(repo.Primary, "grove.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["app"]!["env"] = new System.Text.Json.Nodes.JsonObject { ["HOST"] = "0.0.0.0" };
        File.WriteAllText(path, config.ToJsonString());
        repo.Git(repo.Primary, "commit", "-q", "-am", "open the app to the network");
        await using var supervisor = new Supervisor(repo.Catalog(), TestSupervision.Fast);
        await supervisor.StartAsync(Within(Bounded.Process));

        var warned = await supervisor.WaitForAsync(s => s.Worktrees[0] is { State: WorktreeState.Running, Warning: not null }, Within(TestSupervision.Healthy));

        Assert.Equal("0.0.0.0", await GetAsync($"{warned.Worktrees[0].Url}/env/HOST"));
        Assert.Contains("0.0.0.0:", warned.Worktrees[0].Warning, StringComparison.Ordinal);
        Assert.Contains("app.env in grove.json sets HOST=0.0.0.0; remove it", warned.Worktrees[0].Warning, StringComparison.Ordinal); // the cause, not the app's code
    }
}
