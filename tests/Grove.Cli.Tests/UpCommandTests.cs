using System.Diagnostics;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Cli.Tests;

/// <summary><c>grove up</c> as a real process, with <c>grove wait</c>, <c>logs</c> and <c>restart</c> beside it.</summary>
public class UpCommandTests
{
    internal static async Task<ChildProcess> StartUpAsync(TestRepository repo, List<string> output)
    {
        var up = ChildProcess.Start(new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "up"], repo.Primary), (_, line) =>
        {
            lock (output)
            {
                output.Add(line);
            }
        });
        await Task.Yield();
        return up;
    }

    private static Dictionary<string, ProcessIdentity> AppProcesses(TestRepository repo) =>
        repo.Runs().ReadAll().Where(r => r.Process is not null).ToDictionary(r => r.Slug, r => r.Process!);

    [Fact]
    public async Task Up_KilledWithSigkill_NextUpStopsOrphansAndKeepsPorts()
    {
        using var repo = AppRepository.Create();
        repo.AddWorktree("feature/one");
        repo.AddWorktree("feature/two");
        var output = new List<string>();

        await using (var first = await StartUpAsync(repo, output))
        {
            await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
            await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-one", "--timeout", "90");
            await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-two", "--timeout", "90");
            var portsBefore = (await NewCommandTests.ListAsync(repo.Primary)).ToDictionary(w => w.Slug, w => w.Port);
            var orphans = AppProcesses(repo);
            Assert.Equal(3, orphans.Count);

            Process.GetProcessById(first.Identity.Pid).Kill(); // SIGKILL to grove up alone: its apps live on
            await first.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
            Assert.All(orphans.Values, p => Assert.True(p.IsAlive(), $"app {p.Pid} died with grove up"));

            await using var second = await StartUpAsync(repo, output);
            await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
            await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-one", "--timeout", "90");
            await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-two", "--timeout", "90");

            Assert.All(orphans.Values, p => Assert.False(p.IsAlive(), $"orphan {p.Pid} survived the second grove up"));
            var portsAfter = (await NewCommandTests.ListAsync(repo.Primary)).ToDictionary(w => w.Slug, w => w.Port);
            Assert.Equal(portsBefore, portsAfter);
            var logs = await GroveCli.SucceedAsync(repo.Primary, "logs", "feature-one");
            Assert.Contains("left running by an earlier grove", logs, StringComparison.Ordinal);

            var running = AppProcesses(repo);
            Signals(second.Identity.Pid);
            var code = await second.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
            Assert.Equal(0, code);
            Assert.All(running.Values, p => Assert.False(p.IsAlive(), $"app {p.Pid} outlived grove up's SIGTERM"));
        }

        lock (output)
        {
            Assert.Contains(output, line => line.Contains("feature-one running", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Up_ServesEveryWorktreeThroughTheGateway()
    {
        using var repo = AppRepository.Create();
        repo.AddWorktree("feature/gw");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-gw", "--timeout", "90");
        var gatewayUrl = new Uri((await GroveCli.SucceedAsync(repo.Primary, "url", "--gateway")).Trim());

        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, gatewayUrl.Port, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });
        var viaGateway = await http.GetStringAsync(new Uri($"http://feature-gw.localhost:{gatewayUrl.Port}/"), TestContext.Current.CancellationToken);
        var listed = await http.GetStringAsync(new Uri($"http://localhost:{gatewayUrl.Port}/_grove/worktrees"), TestContext.Current.CancellationToken);

        Assert.Contains("branch=feature/gw ", viaGateway, StringComparison.Ordinal);
        Assert.Contains("\"feature-gw\"", listed, StringComparison.Ordinal);
        Assert.Contains("\"running\"", listed, StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_GatewayPortTaken_FailsNamingTheFix()
    {
        using var repo = AppRepository.Create();
        var gatewayPort = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Primary, "grove.json"))).RootElement.GetProperty("gateway").GetProperty("port").GetInt32();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, gatewayPort);
        squatter.Start();

        var result = await GroveCli.RunAsync(repo.Primary, "up");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot listen on port {gatewayPort}", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("gateway.port", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(repo.Runs().ReadAll(), r => r.Process is not null && r.Process.IsAlive());
    }

    [Fact]
    public async Task Up_OrphanGroupWhoseLeaderDied_StoppedByNextUp()
    {
        using var repo = AppRepository.Create("--spawn-child");
        var output = new List<string>();
        await using var first = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        var leader = AppProcesses(repo)["main"];
        var child = ProcessIdentity.Read(int.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "child-main.pid")), System.Globalization.CultureInfo.InvariantCulture))!;

        Process.GetProcessById(first.Identity.Pid).Kill();
        Process.GetProcessById(leader.Pid).Kill();
        await first.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => !leader.IsAlive());
        Assert.True(child.IsAlive(), "the child should outlive its killed leader until Grove stops it");

        await using var second = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");

        Assert.False(child.IsAlive(), "the orphan group member survived the next grove up");
        Signals(second.Identity.Pid);
        await second.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Wait_AppStoppedOnRequest_FailsAtOnceSayingGroveStart()
    {
        using var repo = AppRepository.Create();
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "--timeout", "90");

        await GroveCli.SucceedAsync(repo.Primary, "stop");
        var clock = Stopwatch.StartNew();
        var result = await GroveCli.RunAsync(repo.Primary, "wait", "--timeout", "60");

        Assert.Equal(1, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"waited {clock.Elapsed} for an app stopped on request");
        Assert.Contains("grove start main", result.StandardError, StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Restart_ThroughRunningUp_NewProcessSamePort()
    {
        using var repo = AppRepository.Create();
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        var url = (await GroveCli.SucceedAsync(repo.Primary, "wait", "--timeout", "90")).Trim();
        var before = AppProcesses(repo)["main"];

        var answer = await GroveCli.SucceedAsync(repo.Primary, "restart", "main");
        await WaitUntilAsync(() => !before.IsAlive());
        var again = (await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90")).Trim();

        Assert.Contains("restart of main requested", answer, StringComparison.Ordinal);
        Assert.Equal(url, again);
        Assert.NotEqual(before, AppProcesses(repo)["main"]);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task DbReset_WhileUpRunsTheApp_GoesThroughItsApiStopsResetsAndStartsTheApp()
    {
        using var repo = AppRepository.Create();
        var config = Path.Combine(repo.Primary, "grove.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        json["database"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "provider": "sqlite", "name": "app", "seed": "seed.sql" }""");
        File.WriteAllText(config, json.ToJsonString());
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), "CREATE TABLE items (id integer PRIMARY KEY); INSERT INTO items VALUES (1);");
        repo.Git(repo.Primary, "add", "-A");
        repo.Git(repo.Primary, "commit", "-qm", "a database");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "--timeout", "90");
        var file = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "main.db");
        Sqlite(file, "INSERT INTO items VALUES (2);");
        var before = AppProcesses(repo)["main"];

        var result = await GroveCli.RunAsync(repo.Primary, "db", "reset", "main");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("grove up runs the app of main", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("reset main.db for main from the template; its app runs again at http://127.0.0.1:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1L, Sqlite(file, "SELECT count(*) FROM items;"));
        Assert.False(before.IsAlive(), "the app that used the replaced database still runs");
        Assert.NotEqual(before, AppProcesses(repo)["main"]);
        Assert.Contains("reset-db requested", await GroveCli.SucceedAsync(repo.Primary, "logs", "main"), StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AppCommands_UpFrozen_SayTheGatewayDoesNotAnswerAndNothingHappensLater()
    {
        using var repo = AppRepository.Create();
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "--timeout", "90");
        var app = AppProcesses(repo)["main"];
        Process.Start("kill", ["-STOP", up.Identity.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        try
        {
            var result = await GroveCli.RunAsync(repo.Primary, "restart", "main");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("does not answer on its gateway", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("fix:", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Process.Start("kill", ["-CONT", up.Identity.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        }

        // Woken up, grove up reads the request the command gave up on: it must not carry it out.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.True(app.IsAlive(), "the app was restarted by a request its sender had given up on");
        Assert.DoesNotContain("restart requested", await GroveCli.SucceedAsync(repo.Primary, "logs", "main"), StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_WorktreeRemovedWhileRunning_SaysSoAndStopsItsApp()
    {
        using var repo = AppRepository.Create();
        repo.AddWorktree("feature/gone");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-gone", "--timeout", "90");
        var app = AppProcesses(repo)["feature-gone"];

        await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-gone");
        await WaitUntilAsync(() => { lock (output) { return output.Any(l => l.Contains("feature-gone removed", StringComparison.Ordinal)); } });

        await WaitUntilAsync(() => !app.IsAlive());
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Wait_AppThatCannotStart_ExitsNonZeroWithStateAndLog()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "app": { "command": "no-such-program-for-grove" }, "ports": { "base": 38000, "range": 50 }, "gateway": { "port": 37999 } }""");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);

        var result = await GroveCli.RunAsync(repo.Primary, "wait", "--timeout", "60");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("main is failed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("no-such-program-for-grove", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  | ", result.StandardError, StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Wait_WithoutUp_TimesOutSayingHowToStartIt()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunAsync(repo.Primary, "wait", "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no 'grove up' runs", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove up", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rm_WhileUpRunsItsApp_StopsTheAppBeforeItsFolderGoes()
    {
        using var repo = AppRepository.Create("--record-stop");
        repo.AddWorktree("feature/term");
        var record = Path.Combine(AppContext.BaseDirectory, "stopped-feature-term.txt");
        File.Delete(record);
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-term", "--timeout", "90");

        var removed = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-term");

        Assert.Contains("removed", removed, StringComparison.Ordinal);
        Assert.Equal("folder exists=True", File.ReadAllText(record)); // stopped first, then removed
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_SecondInstance_RefusedWhileFirstRuns()
    {
        using var repo = AppRepository.Create();
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "--timeout", "90");

        var second = await GroveCli.RunAsync(repo.Primary, "up");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already runs", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(WorktreeState.Running, (await repo.SnapshotWithStatesAsync(TestContext.Current.CancellationToken)).Worktrees[0].State);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    internal static object? Sqlite(string file, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    internal static void Signals(int pid) => Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "condition not met in time");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
