using Grove.Hosting;
using Grove.Processes;

namespace Grove.Cli.Tests;

/// <summary><c>grove url</c> and <c>grove env</c>, run from inside a worktree.</summary>
public class CurrentWorktreeCommandTests
{
    [Fact]
    public async Task Url_InsideLinkedWorktree_PrintsItsOwnAddress()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/login");
        var nested = Directory.CreateDirectory(Path.Combine(folder, "src", "deep")).FullName;

        var direct = await GroveCli.SucceedAsync(nested, "url");
        var gateway = await GroveCli.SucceedAsync(folder, "url", "--gateway");
        var json = await GroveCli.SucceedAsync(folder, "url", "--json");

        Assert.Equal("http://127.0.0.1:4330", direct.Trim());
        Assert.Equal("http://feature-login.localhost:8080", gateway.Trim());
        Assert.Contains("\"slug\": \"feature-login\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LsUrlEnv_TypoInPrimaryGroveJson_UseTheLastGoodConfigAndWarn()
    {
        using var repo = TestRepository.Create();
        var config = Path.Combine(repo.Primary, "grove.json");
        File.WriteAllText(config, """{ "ports": { "base": 23000, "range": 100 }, "gateway": { "port": 23999 } }""");
        await GroveCli.SucceedAsync(repo.Primary, "url");
        File.WriteAllText(config, """{ "ports": { "base": 23000, "range": 100 }, "gatway": { "port": 23999 } }"""); // a typo

        var ls = await GroveCli.RunAsync(repo.Primary, "ls", "--json");
        var url = await GroveCli.RunAsync(repo.Primary, "url", "--gateway");
        var env = await GroveCli.RunAsync(repo.Primary, "env");
        var databases = await GroveCli.RunAsync(repo.Primary, "db", "ls");

        foreach (var result in new[] { ls, url, env })
        {
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Contains("gatway", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("still using the last good grove.json", result.StandardError, StringComparison.Ordinal);
        }

        foreach (var result in new[] { ls, url, env, databases })
        {
            // Said once, as a warning: settling a crashed run's databases (ls, db ls) goes on with the last good config too.
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.True(result.StandardError.Split("gatway").Length <= 2, result.StandardError);
            Assert.DoesNotContain("could not be settled", result.StandardError, StringComparison.Ordinal);
        }

        Assert.Contains("\"gatewayUrl\": \"http://main.localhost:23999\"", ls.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("http://main.localhost:23999", url.StandardOutput.Trim());
        var port = System.Text.Json.JsonDocument.Parse(ls.StandardOutput).RootElement[0].GetProperty("port").GetInt32();
        Assert.InRange(port, 23000, 23099); // the last good config's range (the default would be 4000)
        Assert.Contains($"export PORT='{port}'", env.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_Evaluated_GivesBackExactValues()
    {
        using var repo = TestRepository.Create();
        var branch = "it's/`tick`/$(touch${IFS}pwned)/\"q\"";
        var folder = repo.AddWorktree(branch);

        var script = $"eval \"$({GroveCli.ShellCommand} env)\" && printf '%s\\n' \"$PORT\" \"$ASPNETCORE_URLS\" \"$GROVE_SLUG\" \"$GROVE_BRANCH\" \"$GROVE_URL\" \"$GROVE_GATEWAY_URL\"";
        var result = await ProcessRunner.RunAsync(new ProcessSpec("bash", ["-c", script], folder), Bounded.Token(Bounded.Process));

        Assert.True(result.Succeeded, result.StandardError);
        var lines = result.StandardOutput.Split('\n');
        var port = lines[0];
        Assert.Equal($"http://127.0.0.1:{port}", lines[1]);
        Assert.Equal(branch, lines[3]);
        Assert.Equal($"http://127.0.0.1:{port}", lines[4]);
        Assert.Equal($"http://{lines[2]}.localhost:8080", lines[5]);
        Assert.False(File.Exists(Path.Combine(folder, "pwned")));
        Assert.Empty(Directory.GetFiles(repo.Root, "pwned*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Env_AppEnvAndPrimaryEnvFile_PrintedAsTheAppGetsThemSecretsMarked()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), ".env\n");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """
            { "app": { "command": "dotnet", "args": ["app.dll"], "env": { "FROM_APP": "app value", "SHARED": "app wins" } } }
            """);
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "app");
        File.WriteAllText(Path.Combine(repo.Primary, ".env"), "API_KEY='k3y with # and $x'\nSHARED=file loses\nGROVE_SLUG=overridden\nweird.name=1\n");
        var folder = repo.AddWorktree("feature/env");

        var script = $"eval \"$({GroveCli.ShellCommand} env)\" && printf '%s\\n' \"$FROM_APP\" \"$SHARED\" \"$API_KEY\" \"$GROVE_SLUG\" \"$OTEL_SERVICE_NAME\"";
        var result = await ProcessRunner.RunAsync(new ProcessSpec("bash", ["-c", script], folder), Bounded.Token(Bounded.Process));
        var text = await GroveCli.SucceedAsync(folder, "env");
        var json = await GroveCli.SucceedAsync(folder, "env", "--json");

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Equal(["app value", "app wins", "k3y with # and $x", "feature-env", "feature-env", ""], result.StandardOutput.Split('\n'));
        Assert.Contains("weird.name", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("export API_KEY='k3y with # and $x'  # secret\n", text, StringComparison.Ordinal);
        Assert.Contains("export FROM_APP='app value'\n", text, StringComparison.Ordinal);
        var variables = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray();
        Assert.True(variables.Single(v => (string?)v!["name"] == "API_KEY")!["secret"]!.GetValue<bool>());
        Assert.False(variables.Single(v => (string?)v!["name"] == "FROM_APP")!["secret"]!.GetValue<bool>());
        Assert.Equal("1", (string?)variables.Single(v => (string?)v!["name"] == "weird.name")!["value"]);
    }

    [Fact]
    public async Task Env_BadEnvFile_ErrorNamesTheKeyAndLineNotTheValue()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), """{ "app": { "command": "x", "envFiles": ["secrets.env"] } }""");
        File.WriteAllText(Path.Combine(repo.Primary, "secrets.env"), "OK=1\nhunter2-token\n");

        var result = await GroveCli.RunAsync(repo.Primary, "env");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("app.envFiles[0]", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("line 2 is not KEY=VALUE", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("fix:", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_InBareRepositoryFolder_SaysToCdIntoAWorktree()
    {
        using var repo = TestRepository.Create(bare: true);

        var result = await GroveCli.RunAsync(repo.Primary, "url");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not inside a worktree", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("grove ls", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_NeverDirtiesTheWorktree()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/clean");

        await GroveCli.SucceedAsync(folder, "env");
        await GroveCli.SucceedAsync(folder, "ls");

        Assert.Empty(repo.Git(folder, "status", "--porcelain", "--untracked-files=all", "--ignored"));
        Assert.Empty(repo.Git(repo.Primary, "status", "--porcelain", "--untracked-files=all", "--ignored"));
    }
}
