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
        Assert.Contains($"(process {Environment.ProcessId}) listens on it", result.StandardError, StringComparison.Ordinal); // the test holds the port
        Assert.Contains("grove up --port <port>", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(repo.Runs().ReadAll(), r => r.Process is not null && r.Process.IsAlive());
        Assert.DoesNotContain(repo.Runs().ReadAll(), r => r.State is WorktreeState.Installing or WorktreeState.Starting or WorktreeState.Running); // no install or build began
    }

    [Fact]
    public async Task Up_PortOption_ServesTheGatewayThereInsteadOfGroveJsons()
    {
        using var repo = AppRepository.Create();
        var configured = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Primary, "grove.json"))).RootElement.GetProperty("gateway").GetProperty("port").GetInt32();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, configured);
        squatter.Start();
        var port = FreePort.Next();
        var output = new List<string>();

        await using var up = ChildProcess.Start(new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "up", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], repo.Primary), (_, line) =>
        {
            lock (output)
            {
                output.Add(line);
            }
        });
        using var http = new HttpClient();
        string? landing = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); landing is null && DateTime.UtcNow < deadline; await Task.Delay(200, TestContext.Current.CancellationToken))
        {
            try
            {
                landing = await http.GetStringAsync(new Uri($"http://localhost:{port}/"), TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException)
            {
            }
        }

        var listed = await GroveCli.RunAsync(repo.Primary, "ls");
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);

        Assert.True(landing is not null, $"no gateway on --port {port}: {string.Join('\n', output)}");
        Assert.Contains($"http://main.localhost:{port}", listed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain($".localhost:{configured}", listed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_InATerminal_TheTableHeaderIsTheOnlyWorktreeCountAndItFollowsNewWorktrees()
    {
        using var repo = AppRepository.Create();
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = new List<string>();
        string Text()
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }

        // script gives grove up a pseudo-terminal, as in a shell: the live table, not the change lines.
        await using var terminal = ChildProcess.Start(new ProcessSpec("script", ["-qfec", $"{GroveCli.ShellCommand} up --port {port}", "/dev/null"], repo.Primary), (_, line) =>
        {
            lock (output)
            {
                output.Add(line);
            }
        });
        try
        {
            await WaitUntilAsync(() => Text().Contains("1 worktree(s) at", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            repo.AddWorktree("feature/second");
            await WaitUntilAsync(() => Text().Contains("2 worktree(s) at", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (repo.Runs().LiveSupervisor() is { } up)
            {
                Signals(up.Process.Pid);
            }

            await terminal.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
        }

        Assert.DoesNotContain("all of them at", Text(), StringComparison.Ordinal);
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
    public async Task Wait_TimeRunsOutWhileInstalling_SaysStillInstallingAndToWaitLongerNotToRestart()
    {
        using var repo = AppRepository.Create();
        var config = Path.Combine(repo.Primary, "grove.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["install"] = System.Text.Json.Nodes.JsonNode.Parse("""[ { "command": "sleep", "args": ["60"] } ]""");
        File.WriteAllText(config, json.ToJsonString());
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        try
        {
            await WaitUntilAsync(() => repo.Runs().ReadAll().Any(r => r.State == WorktreeState.Installing), TimeSpan.FromSeconds(60));
            var result = await GroveCli.RunAsync(repo.Primary, "wait", "--timeout", "2");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("grove: main is still installing", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("after 2 s of waiting", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("fix: wait longer, 'grove wait main --timeout 600'", result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("grove restart", result.StandardError, StringComparison.Ordinal);
            Assert.Equal(string.Empty, result.StandardOutput);
        }
        finally
        {
            Signals(up.Identity.Pid);
            await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
        }
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
        using var repo = WithDatabase(AppRepository.Create(), """{ "provider": "sqlite", "name": "app", "seed": "seed.sql" }""", "CREATE TABLE items (id integer PRIMARY KEY); INSERT INTO items VALUES (1);");
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

    /// <summary>A repository whose app writes into its worktree as a dev server does, with a SQLite database, and those files ignored.</summary>
    private static TestRepository DevServerRepository()
    {
        var repo = AppRepository.Create("--write-files");
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), ".next/\nnext-env.d.ts\n");
        return WithDatabase(repo, """{ "provider": "sqlite", "name": "app", "seed": "seed.sql" }""", "CREATE TABLE items (id integer PRIMARY KEY);");
    }

    /// <summary>Makes <paramref name="branch"/>'s worktree with grove new, writes a row into its SQLite database, and removes the worktree outside Grove: its database is orphaned. Returns the database file.</summary>
    private static async Task<string> OrphanWithARowAsync(TestRepository repo, string branch)
    {
        await GroveCli.SucceedAsync(repo.Primary, "new", branch);
        var slug = branch.Replace('/', '-');
        var database = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", $"{slug}.db");
        Sqlite(database, "INSERT INTO items VALUES (7);");
        repo.Git(repo.Primary, "worktree", "remove", "--force", Path.Combine(repo.Root, $"repo-{slug}"));
        return database;
    }

    /// <summary>Adds a <c>database</c> section and its seed to the repository's grove.json, committed (with whatever else is new).</summary>
    private static TestRepository WithDatabase(TestRepository repo, string database, string seed)
    {
        var config = Path.Combine(repo.Primary, "grove.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        json["database"] = System.Text.Json.Nodes.JsonNode.Parse(database);
        File.WriteAllText(config, json.ToJsonString());
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), seed);
        repo.Git(repo.Primary, "add", "-A");
        repo.Git(repo.Primary, "commit", "-qm", "a database");
        return repo;
    }

    [Fact]
    public async Task Rm_AppLeftRunningByKilledUp_StopsItThenRemovesEverything()
    {
        using var repo = DevServerRepository();
        var folder = repo.AddWorktree("feature/dev");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-dev", "--timeout", "90");
        var app = AppProcesses(repo)["feature-dev"];
        using var primaryApp = Process.GetProcessById(AppProcesses(repo)["main"].Pid); // orphaned too: stopped when the test ends
        var database = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "feature-dev.db");
        try
        {
            Process.GetProcessById(up.Identity.Pid).Kill(); // SIGKILL: its apps live on, still writing
            await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "untracked work, discarded by --force");
            await WaitUntilAsync(() => File.Exists(Path.Combine(folder, "next-env.d.ts")));
            Assert.True(app.IsAlive() && File.Exists(database));

            var result = await GroveCli.RunAsync(repo.Primary, "rm", "feature-dev", "--force");

            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Contains("stopped the app of feature-dev", result.StandardError, StringComparison.Ordinal);
            Assert.False(app.IsAlive(), "the app still runs after its worktree was removed");
            await Task.Delay(500, TestContext.Current.CancellationToken); // nothing writes the folder back
            Assert.False(Directory.Exists(folder), "the worktree's folder is left");
            Assert.DoesNotContain(folder, repo.Git(repo.Primary, "worktree", "list"), StringComparison.Ordinal);
            Assert.False(File.Exists(database), "its database is left");
            Assert.DoesNotContain(repo.Leases(), l => l.Slug == "feature-dev");
        }
        finally
        {
            primaryApp.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Rm_WhileUpRunsADevServer_ItsGeneratedIgnoredFilesAreNotWorkThatWouldBeLost()
    {
        using var repo = DevServerRepository();
        var folder = repo.AddWorktree("feature/gen");
        File.WriteAllText(Path.Combine(folder, "next.config.local.json"), "{}"); // ignored by nothing: untracked work
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-gen", "--timeout", "90");
        await WaitUntilAsync(() => File.Exists(Path.Combine(folder, "next-env.d.ts")));

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "feature-gen");
        File.Delete(Path.Combine(folder, "next.config.local.json"));
        var removed = await GroveCli.RunAsync(repo.Primary, "rm", "feature-gen");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("next.config.local.json", refused.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("next-env.d.ts", refused.StandardError, StringComparison.Ordinal);
        Assert.True(removed.ExitCode == 0, removed.StandardError);
        Assert.False(Directory.Exists(folder));
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_OrphanedDatabase_ReportedInOneLineAtStart()
    {
        using var repo = DevServerRepository();
        var database = await OrphanWithARowAsync(repo, "feature/old");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        repo.Git(repo.Primary, "worktree", "add", "-q", Path.Combine(repo.Root, "again"), "feature/old"); // by git: grove up's database step sees the orphan
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-old", "--timeout", "90");

        lock (output)
        {
            Assert.Single(output, line => line.Contains("1 orphaned database(s), whose worktree is gone: feature-old.db; 'grove db prune' drops them", StringComparison.Ordinal));
        }

        Assert.Equal(0L, Sqlite(database, "SELECT count(*) FROM items;")); // branched anew, not the old rows
        Assert.Contains("feature-old.db was left by an earlier worktree of the same name", await GroveCli.SucceedAsync(repo.Primary, "logs", "feature-old"), StringComparison.Ordinal);

        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task NewKeepDb_WhileUpRuns_UpWaitsForGroveNewWhichKeepsTheOrphansData()
    {
        using var repo = DevServerRepository();
        var database = await OrphanWithARowAsync(repo, "feature/kept");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");

        // Paused after 'git worktree add': grove up sees the worktree first and must leave its database to grove new.
        var created = await ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "new", "feature/kept", "--keep-db"], repo.Primary)
            {
                Environment = new Dictionary<string, string?> { [CrashPoint.PauseVariable] = CrashPoint.AfterWorktreeAdd },
            },
            Bounded.Token(Bounded.Process));
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-kept", "--timeout", "90");

        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.Equal(1L, Sqlite(database, "SELECT count(*) FROM items;"));
        Assert.Contains("is still making this worktree", await GroveCli.SucceedAsync(repo.Primary, "logs", "feature-kept"), StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Restart_BrokenWorktreeGroveJson_RefusedAppKeepsRunningAndAFixedFileIsFollowed()
    {
        using var repo = AppRepository.Create();
        var folder = repo.AddWorktree("feature/cfg");
        var output = new List<string>();
        await using var up = await StartUpAsync(repo, output);
        var url = (await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-cfg", "--timeout", "90")).Trim();
        var app = AppProcesses(repo)["feature-cfg"];
        var config = Path.Combine(folder, "grove.json");
        var good = File.ReadAllText(config);
        File.WriteAllText(config, good.Replace("\"app\"", "\"apps\"", StringComparison.Ordinal)); // a typo

        var refused = await GroveCli.RunAsync(repo.Primary, "restart", "feature-cfg");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken); // the runner sees the broken file meanwhile

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("restart of feature-cfg refused", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("apps", refused.StandardError, StringComparison.Ordinal);
        Assert.True(app.IsAlive(), "a restart with a broken grove.json stopped the healthy app");
        Assert.Equal(app, AppProcesses(repo)["feature-cfg"]);
        Assert.Equal(WorktreeState.Running, (await repo.SnapshotWithStatesAsync(TestContext.Current.CancellationToken)).Find("feature-cfg")!.State);

        var fixedConfig = System.Text.Json.Nodes.JsonNode.Parse(good)!;
        fixedConfig["app"]!["env"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "MARK": "fixed" }""");
        File.WriteAllText(config, fixedConfig.ToJsonString()); // fixed, with a change: followed without a command
        await WaitUntilAsync(() => !app.IsAlive());
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-cfg", "--timeout", "90");

        using var http = new HttpClient();
        Assert.Equal("fixed", await http.GetStringAsync(new Uri($"{url}/env/MARK"), TestContext.Current.CancellationToken));
        var logs = await GroveCli.SucceedAsync(repo.Primary, "logs", "feature-cfg");
        Assert.Contains("the app keeps running with the grove.json it started with", logs, StringComparison.Ordinal);
        Assert.Contains("grove.json changed: restarting the app with it", logs, StringComparison.Ordinal);
        Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Up_KilledWithSigkill_LsSaysOrphanedAndTheNextCleanUpStopsAppsAndGrovesPostgres()
    {
        using var repo = WithDatabase(AppRepository.Create(), """{ "provider": "postgres", "name": "app", "seed": "seed.sql", "spares": 0 }""", "CREATE TABLE items (id integer PRIMARY KEY);");
        var postmaster = Path.Combine(repo.CommonGitDirectory, "grove", "postgres", "data", "postmaster.pid");
        var output = new List<string>();

        await using (var first = await StartUpAsync(repo, output))
        {
            await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "120");
            Process.GetProcessById(first.Identity.Pid).Kill(); // SIGKILL: the app and the server live on
            await first.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
        }

        var app = AppProcesses(repo)["main"];
        var server = ServerProcess(postmaster);
        var listed = System.Text.Json.JsonDocument.Parse(await GroveCli.SucceedAsync(repo.Primary, "ls", "--json")).RootElement[0];

        Assert.True(app.IsAlive() && server is not null && server.IsAlive(), "the app and the server should outlive a killed grove up");
        Assert.Equal("orphaned", listed.GetProperty("state").GetString());
        Assert.Contains($"process {app.Pid} still runs", listed.GetProperty("stateReason").GetString(), StringComparison.Ordinal);
        var waited = await GroveCli.RunAsync(repo.Primary, "wait", "main", "--timeout", "1");
        Assert.Equal(1, waited.ExitCode);
        Assert.Contains("main is orphaned: its process", waited.StandardError, StringComparison.Ordinal);

        await using (var second = await StartUpAsync(repo, output))
        {
            await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "120");
            Assert.False(app.IsAlive(), "the orphaned app survived the next grove up");
            Signals(second.Identity.Pid);
            Assert.Equal(0, await second.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken));
        }

        await WaitUntilAsync(() => !server!.IsAlive());
        Assert.False(File.Exists(postmaster), "Grove's PostgreSQL server outlived the clean grove up after the killed one");
        lock (output)
        {
            Assert.Contains(output, line => line.Contains($"stopped 1 app(s) that a grove up which did not stop cleanly had left running (main: process {app.Pid})", StringComparison.Ordinal));
        }
    }

    private static ProcessIdentity? ServerProcess(string postmasterPid) =>
        File.Exists(postmasterPid) ? ProcessIdentity.Read(int.Parse(File.ReadLines(postmasterPid).First(), System.Globalization.CultureInfo.InvariantCulture)) : null;

    [Fact]
    public async Task Rm_ForceWhileAProgramOutsideGroveWritesIntoTheFolder_FinishesTheRemoval()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/busy");
        var many = Directory.CreateDirectory(Path.Combine(folder, "many")).FullName; // git takes a while to delete them: the writer gets in between
        for (var i = 0; i < 3000; i++)
        {
            File.WriteAllText(Path.Combine(many, $"file-{i}.txt"), "x");
        }

        await GroveCli.SucceedAsync(repo.Primary, "ls");
        // Not Grove's: nothing recorded to stop. It writes into its working folder without pause.
        using var writer = Process.Start(new ProcessStartInfo("bash", ["-c", "while :; do for i in 1 2 3 4 5 6 7 8; do : > f$i 2>/dev/null || exit 0; done; done"]) { WorkingDirectory = folder })!;
        await WaitUntilAsync(() => File.Exists(Path.Combine(folder, "f8")));
        try
        {
            var result = await GroveCli.RunAsync(repo.Primary, "rm", "feature-busy", "--force");

            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.False(Directory.Exists(folder), "the folder was left half-removed");
            Assert.DoesNotContain(folder, repo.Git(repo.Primary, "worktree", "list"), StringComparison.Ordinal);
            Assert.DoesNotContain(repo.Leases(), l => l.Slug == "feature-busy");
        }
        finally
        {
            if (!writer.HasExited)
            {
                writer.Kill();
            }
        }
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

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(condition, TimeSpan.FromSeconds(30));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "condition not met in time");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
