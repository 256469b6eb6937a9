using System.Text.Json;
using Grove.Contracts;
using Grove.Hosting;
using Grove.Tests.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Hosting;

/// <summary><c>app.envFiles</c>: the primary worktree's ignored <c>.env</c> reaches every worktree's app, under <c>app.env</c> and Grove's own variables.</summary>
public class EnvFilesTests
{
    private const string Secret = "s3cr3t-Value-7781";

    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    private static TestRepository Repository(string envFiles)
    {
        var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), ".env\n");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"], "env": { "SHARED": "from-app-env" }{{envFiles}} },
              "database": { "provider": "sqlite", "name": "app" },
              "ports": { "base": 39600, "range": 50 }, "gateway": { "port": 39599 } }
            """);
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "app");
        File.WriteAllText(Path.Combine(repo.Primary, ".env"), $"""
            # kept out of git
            export API_SECRET="{Secret}"
            SHARED=from-env-file
            PORT=1
            DATABASE_URL=postgres://someone:pw@hosted.example/prod
            """);
        return repo;
    }

    [Fact]
    public async Task Start_PrimaryHasDotEnv_EveryWorktreeGetsItUnderAppEnvAndGrovesOwn()
    {
        using var repo = Repository(string.Empty);
        var folder = repo.AddWorktree("feature/env");
        await using var host = await GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary, Supervision = TestSupervision.Fast }, Within(Bounded.Git));
        await host.StartAsync(null, Within(Bounded.Process));
        var running = await host.WaitForAsync(s => s.Worktrees.Length == 2 && s.Worktrees.All(w => w.State == WorktreeState.Running), Within(TestSupervision.Healthy));

        var feature = running.Worktrees.Single(w => w.Path == folder);
        using var http = new HttpClient();
        async Task<string> Env(string name) => await http.GetStringAsync(new Uri($"{feature.Url}/env/{name}"), TestContext.Current.CancellationToken);
        Assert.Equal(Secret, await Env("API_SECRET"));
        Assert.Equal("from-app-env", await Env("SHARED"));
        Assert.Equal(feature.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), await Env("PORT"));
        Assert.StartsWith("sqlite://" + Path.Combine(repo.CommonGitDirectory, "grove"), await Env("DATABASE_URL"), StringComparison.Ordinal);

        var shown = JsonSerializer.Serialize(running.Worktrees.Select(WorktreeJson.From).ToList(), ContractJson.Default.ListWorktreeJson)
            + string.Join('\n', running.Worktrees.SelectMany(w => host.ReadLog(w.Slug, 1000)).Select(l => l.Text));
        Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ListedEnvFileMissing_FailsNamingTheKey()
    {
        using var repo = Repository(""", "envFiles": [".env", "config/missing.env"]""");
        await using var host = await GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary, Supervision = TestSupervision.Fast }, Within(Bounded.Git));
        await host.StartAsync(null, Within(Bounded.Process));

        var failed = await host.WaitForAsync(s => s.Worktrees.Single().State == WorktreeState.Failed, Within(TestSupervision.Healthy));

        var reason = failed.Worktrees.Single().StateReason!;
        Assert.Contains("app.envFiles[1]", reason, StringComparison.Ordinal);
        Assert.Contains("missing.env", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, reason, StringComparison.Ordinal);
    }
}
