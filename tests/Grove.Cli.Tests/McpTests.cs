using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Grove.Cli.Tests;

/// <summary>
/// Grove's MCP server, through a client built on the same SDK, against a real <c>grove up</c>
/// running the test app: over HTTP on the gateway (<c>/_grove/mcp</c>) and over stdio (<c>grove mcp</c>).
/// </summary>
public class McpTests
{
    private static readonly string[] ToolNames =
        ["create_worktree", "get_logs", "get_worktree", "list_worktrees", "reinstall", "remove_worktree", "reset_database", "restart_app", "wait_healthy"];

    [Fact]
    public async Task Http_ListsEveryToolAndEachDoesWhatItsDescriptionSays()
    {
        using var repo = RepositoryWithDatabase();
        await using var up = await UpCommandTests.StartUpAsync(repo, []);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        await using var client = await HttpClientAsync(repo);

        await ExerciseEveryToolAsync(client, repo);

        var thisWorktree = Ok(await CallAsync(client, "get_worktree", new() { ["path"] = Path.Combine(repo.Primary, "src", "deeper") }));
        Assert.Equal("main", thisWorktree["slug"]!.GetValue<string>());
        UpCommandTests.Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Http_ForeignHostOrOrigin_RefusedLikeTheAgentApi()
    {
        using var repo = AppRepository.Create();
        await using var up = await UpCommandTests.StartUpAsync(repo, []);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        var gateway = new Uri((await GroveCli.SucceedAsync(repo.Primary, "url", "--gateway")).Trim());
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var endpoint = new Uri($"http://127.0.0.1:{gateway.Port}/_grove/mcp");
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

        using var fromPage = Post(endpoint, Initialize);
        fromPage.Headers.Add("Origin", "http://evil.example");
        using var rebound = Post(endpoint, Initialize);
        rebound.Headers.Host = "evil.example";

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(fromPage, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.SendAsync(rebound, TestContext.Current.CancellationToken)).StatusCode);

        // Stateless: no stream to open, no session to end. The transport's answer for that is 405, not 404.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, endpoint) { Headers = { { "Accept", "text/event-stream" } } };
            using var answer = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, answer.StatusCode);
            Assert.Equal(["POST"], answer.Content.Headers.Allow);
        }
        UpCommandTests.Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Stdio_WithoutUpListsToolsAndSaysHowToStartIt_ThenRunsEveryToolThroughUp()
    {
        using var repo = RepositoryWithDatabase();
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "mcp"],
                WorkingDirectory = repo.Primary,
                Name = "grove mcp",
            }),
            cancellationToken: Bounded.Token(Bounded.Process));

        Assert.Equal(ToolNames, (await client.ListToolsAsync(cancellationToken: Bounded.Token(Bounded.Process))).Select(t => t.Name).Order(StringComparer.Ordinal));
        var none = await CallAsync(client, "list_worktrees", []);
        Assert.True(none.IsError);
        Assert.Contains("no 'grove up' (or AppHost) runs", Text(none), StringComparison.Ordinal);
        Assert.Contains("start it with 'grove up'", Text(none), StringComparison.Ordinal);

        await using var up = await UpCommandTests.StartUpAsync(repo, []);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        await ExerciseEveryToolAsync(client, repo);

        var thisWorktree = Ok(await CallAsync(client, "get_worktree", []));
        Assert.Equal("main", thisWorktree["slug"]!.GetValue<string>());
        UpCommandTests.Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Http_CreateWorktreeForIssue_ReadsTheIssueFromGitHubAndMakesItsBranch()
    {
        await using var server = await GitHubServer.StartAsync(token: GitHubRepo.Canary);
        server.AddIssue(42, "Fix the login page", "It breaks.", ["bug"], comments: 1);
        using var repo = AppRepository.Create();
        repo.Git(repo.Primary, "remote", "add", "origin", "https://github.com/octo/repo.git");
        var config = Path.Combine(repo.Primary, "grove.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["github"] = JsonNode.Parse($$"""{ "apiUrl": "{{server.ApiUrl}}" }""");
        File.WriteAllText(config, json.ToJsonString());
        repo.CommitAll("GitHub");
        await using var up = Grove.Processes.ChildProcess.Start(
            new Grove.Processes.ProcessSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "grove.dll"), "up"], repo.Primary) { Environment = GitHubRepo.Token() },
            (_, _) => { });
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        await using var client = await HttpClientAsync(repo);

        var created = Ok(await CallAsync(client, "create_worktree", new() { ["issue"] = 42 }));
        var missing = await CallAsync(client, "create_worktree", new() { ["issue"] = 404 });

        Assert.Equal("issue-42-fix-the-login-page", created["worktree"]!["branch"]!.GetValue<string>());
        Assert.Equal("running", Ok(await CallAsync(client, "wait_healthy", new() { ["worktree"] = "issue-42-fix-the-login-page", ["timeoutSeconds"] = 90 }))["state"]!.GetValue<string>());
        Assert.True(missing.IsError);
        Assert.Contains("404", Text(missing), StringComparison.Ordinal);
        GitHubRepo.AssertNoCanary(Text(missing), created.ToJsonString());
        UpCommandTests.Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }

    /// <summary>Lists the tools and calls each one, checking its documented answer (and its errors).</summary>
    private static async Task ExerciseEveryToolAsync(McpClient client, TestRepository repo)
    {
        var tools = await client.ListToolsAsync(cancellationToken: Bounded.Token(Bounded.Process));
        Assert.Equal(ToolNames, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description), $"{t.Name} has no description");
            Assert.Equal("object", t.ProtocolTool.InputSchema.GetProperty("type").GetString());
        });
        Assert.Contains("worktree", tools.Single(t => t.Name == "wait_healthy").ProtocolTool.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        var listed = Ok(await CallAsync(client, "list_worktrees", []))["worktrees"]!.AsArray();
        Assert.Contains(listed, w => w!["slug"]!.GetValue<string>() == "main" && w["primary"]!.GetValue<bool>());

        var unknown = await CallAsync(client, "get_worktree", new() { ["name"] = "no-such-tree" });
        Assert.True(unknown.IsError);
        Assert.Equal("no worktree is called 'no-such-tree'", Json(unknown)["error"]!.GetValue<string>());
        Assert.Contains("known slugs: main", Json(unknown)["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(Json(unknown).AsObject().ContainsKey("lastLogLines"), Text(unknown)); // only where they apply

        var wrongName = await CallAsync(client, "wait_healthy", new() { ["name"] = "main" });
        Assert.True(wrongName.IsError);
        Assert.Equal("wait_healthy has no argument 'name'", Json(wrongName)["error"]!.GetValue<string>());
        Assert.Equal("wait_healthy takes: worktree (string, required), timeoutSeconds (number)", Json(wrongName)["fix"]!.GetValue<string>());
        var missing = await CallAsync(client, "remove_worktree", []);
        Assert.Equal("remove_worktree needs the argument 'worktree'", Json(missing)["error"]!.GetValue<string>());
        var wrongType = await CallAsync(client, "get_logs", new() { ["worktree"] = "main", ["tail"] = "5" });
        Assert.Equal("get_logs: 'tail' must be integer, not the string \"5\"", Json(wrongType)["error"]!.GetValue<string>());
        var noSuchTool = await Assert.ThrowsAsync<McpProtocolException>(() => CallAsync(client, "no_such_tool", []));
        Assert.Equal("Request failed (remote): Unknown tool: 'no_such_tool'", noSuchTool.Message); // over stdio too: the gateway did answer

        var misspelt = Stopwatch.StartNew();
        var neverMade = await CallAsync(client, "wait_healthy", new() { ["worktree"] = "no-such-tree", ["timeoutSeconds"] = 600 });
        Assert.True(neverMade.IsError);
        Assert.Equal("no worktree is called 'no-such-tree'", Json(neverMade)["error"]!.GetValue<string>());
        Assert.InRange(misspelt.Elapsed, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(60)); // not the whole timeout

        var created = Ok(await CallAsync(client, "create_worktree", new() { ["branch"] = "feature/mcp" }));
        Assert.Equal("done", created["outcome"]!.GetValue<string>());
        Assert.Equal("feature-mcp", created["worktree"]!["slug"]!.GetValue<string>());
        Assert.NotEqual("stopped", created["worktree"]!["state"]!.GetValue<string>()); // on its way up: wait_healthy follows it
        var folder = created["worktree"]!["path"]!.GetValue<string>();
        Assert.True(Directory.Exists(folder));

        var healthy = Ok(await CallAsync(client, "wait_healthy", new() { ["worktree"] = "feature-mcp", ["timeoutSeconds"] = 90 }));
        Assert.Equal("running", healthy["state"]!.GetValue<string>());
        var url = healthy["url"]!.GetValue<string>();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        Assert.Contains("branch=feature/mcp ", await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var logs = Ok(await CallAsync(client, "get_logs", new() { ["worktree"] = "feature-mcp", ["tail"] = 500 }));
        var lines = logs["lines"]!.AsArray();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l!["source"]!.GetValue<string>() == "grove");
        var last = lines[^1]!["time"]!.GetValue<DateTimeOffset>();
        var since = Ok(await CallAsync(client, "get_logs", new() { ["worktree"] = "feature-mcp", ["since"] = last.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }))["lines"]!.AsArray();
        Assert.InRange(since.Count, 1, lines.Count - 1);
        Assert.All(since, l => Assert.True(l!["time"]!.GetValue<DateTimeOffset>() >= last));
        Assert.True((await CallAsync(client, "get_logs", new() { ["worktree"] = "feature-mcp", ["since"] = "yesterday-ish" })).IsError);

        var pid = Pid(await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken));
        var restarted = Ok(await CallAsync(client, "restart_app", new() { ["worktree"] = "feature-mcp" }));
        Assert.Equal("running", restarted["worktree"]!["state"]!.GetValue<string>());
        Assert.NotEqual(pid, Pid(await http.GetStringAsync(new Uri(url), TestContext.Current.CancellationToken)));

        var reinstalled = Ok(await CallAsync(client, "reinstall", new() { ["worktree"] = "feature-mcp" }));
        Assert.StartsWith("reinstalled the dependencies of feature-mcp", reinstalled["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var database = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app", "feature-mcp.db");
        UpCommandTests.Sqlite(database, "INSERT INTO items VALUES (2);");
        var reset = Ok(await CallAsync(client, "reset_database", new() { ["worktree"] = "feature-mcp" }));
        Assert.Equal("done", reset["outcome"]!.GetValue<string>());
        Assert.Equal(1L, UpCommandTests.Sqlite(database, "SELECT count(*) FROM items;"));

        var issue = await CallAsync(client, "create_worktree", new() { ["issue"] = 14 });
        Assert.True(issue.IsError);
        Assert.Contains("GitHub", Text(issue), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Json(issue)["fix"]?.GetValue<string>()), Text(issue));

        File.WriteAllText(Path.Combine(folder, "notes.txt"), "work in progress");
        var refused = await CallAsync(client, "remove_worktree", new() { ["worktree"] = "feature-mcp" });
        Assert.True(refused.IsError);
        Assert.Contains("uncommitted or untracked changes: notes.txt", Json(refused)["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(
            "commit or stash them first (remove_worktree never discards work: a person can, with 'grove rm --force')",
            Json(refused)["fix"]!.GetValue<string>()); // the tool has no force argument to offer
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));

        File.Delete(Path.Combine(folder, "notes.txt"));
        var removed = Ok(await CallAsync(client, "remove_worktree", new() { ["worktree"] = "feature-mcp" }));
        Assert.Equal("done", removed["outcome"]!.GetValue<string>());
        Assert.False(Directory.Exists(folder));
        Assert.False(File.Exists(database));

        var broken = await CallAsync(client, "wait_healthy", new() { ["worktree"] = "feature-broken", ["timeoutSeconds"] = 90 });
        Assert.True(broken.IsError);
        var why = Json(broken);
        Assert.Equal("failed", why["state"]!.GetValue<string>());
        Assert.Contains("no-such-program-for-grove", why["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(why["lastLogLines"]!.AsArray());

        var restartedBroken = await CallAsync(client, "restart_app", new() { ["worktree"] = "feature-broken" });
        Assert.True(restartedBroken.IsError);
        var stillBroken = Json(restartedBroken);
        Assert.Equal("failed", stillBroken["state"]!.GetValue<string>());
        Assert.Contains(stillBroken["lastLogLines"]!.AsArray(), l => l!.GetValue<string>().Contains("no-such-program-for-grove", StringComparison.Ordinal));
        Assert.Contains("get_logs", stillBroken["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("grove logs", stillBroken["fix"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The test app with a SQLite database (a table with one row in the template), and a worktree whose app cannot start.</summary>
    private static TestRepository RepositoryWithDatabase()
    {
        var repo = AppRepository.Create();
        var config = Path.Combine(repo.Primary, "grove.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["database"] = JsonNode.Parse("""{ "provider": "sqlite", "name": "app", "seed": "seed.sql" }""");
        File.WriteAllText(config, json.ToJsonString());
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), "CREATE TABLE items (id integer PRIMARY KEY); INSERT INTO items VALUES (1);");
        repo.Git(repo.Primary, "add", "-A");
        repo.Git(repo.Primary, "commit", "-qm", "a database");

        var broken = repo.AddWorktree("feature/broken");
        var brokenConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(broken, "grove.json")))!;
        brokenConfig["app"]!["command"] = "no-such-program-for-grove";
        File.WriteAllText(Path.Combine(broken, "grove.json"), brokenConfig.ToJsonString());
        repo.Git(broken, "commit", "-qam", "an app that cannot start");
        return repo;
    }

    /// <summary>An MCP client of the running grove up's gateway endpoint, as an agent registers it: http://localhost:&lt;port&gt;/_grove/mcp.</summary>
    private static async Task<McpClient> HttpClientAsync(TestRepository repo)
    {
        var gateway = new Uri((await GroveCli.SucceedAsync(repo.Primary, "url", "--gateway")).Trim());
        return await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://localhost:{gateway.Port}/_grove/mcp"), TransportMode = HttpTransportMode.StreamableHttp }),
            cancellationToken: Bounded.Token(Bounded.Process));
    }

    private static Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments) =>
        client.CallToolAsync(tool, arguments, cancellationToken: Bounded.Token(TimeSpan.FromSeconds(150))).AsTask();

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static JsonNode Ok(CallToolResult result)
    {
        Assert.False(result.IsError, Text(result));
        return Json(result);
    }

    private static JsonNode Json(CallToolResult result) => JsonNode.Parse(Text(result))!;

    private static string Pid(string page) => page[(page.IndexOf("pid=", StringComparison.Ordinal) + 4)..];

    private static HttpRequestMessage Post(Uri endpoint, string body) => new(HttpMethod.Post, endpoint)
    {
        Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        Headers = { { "Accept", "application/json, text/event-stream" } },
    };
}
