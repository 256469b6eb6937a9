using System.Text.Json.Nodes;

namespace Grove.Hosting.Tests;

/// <summary>
/// The real AppHost (DCP, the dashboard on free loopback ports, anonymous) running a temp
/// repository of two worktrees, <c>main</c> and <c>feature-one</c>, whose apps are Grove.TestApp
/// with a SQLite database each. Shared by the tests of one class: starting it takes seconds.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);

    public TestRepository Repository { get; private set; } = null!;

    /// <summary>The linked worktree's folder (branch feature/one).</summary>
    public string Feature { get; private set; } = null!;

    public DistributedApplication App { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>The dashboard's OTLP/gRPC endpoint, which the apps are given.</summary>
    public Uri OtlpUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Repository = AppRepository.Create();
        AddDatabase(Repository);
        Feature = Repository.AddWorktree("feature/one", "feature-one");

        App = await StartAsync(Repository.Primary, new Uri($"http://localhost:{FreePort.Next()}"), new Uri($"http://localhost:{FreePort.Next()}"));
        DashboardUrl = App.GetEndpoint("aspire-dashboard", "http"); // the testing builder randomizes ports: this is where it listens
        OtlpUrl = App.GetEndpoint("aspire-dashboard", "otlp-grpc");
        await Rows.WaitAsync(App, "main", r => r.State == "Running");
        await Rows.WaitAsync(App, "feature-one", r => r.State == "Running");
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync().WaitAsync(StartLimit);
            await App.DisposeAsync().AsTask().WaitAsync(StartLimit);
        }

        Repository?.Dispose();
    }

    /// <summary>Starts the AppHost project on <paramref name="repository"/> with the dashboard on the given loopback URLs.</summary>
    public static async Task<DistributedApplication> StartAsync(string repository, Uri dashboard, Uri otlp, params string[] more)
    {
        using var limit = new CancellationTokenSource(StartLimit);
        string[] args =
        [
            "--repo", repository,
            $"--ASPNETCORE_URLS={dashboard}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={otlp}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{FreePort.Next()}",
            "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            .. more,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, (options, _) => options.DisableDashboard = false, limit.Token);
        var app = await builder.BuildAsync(limit.Token);
        await app.StartAsync(limit.Token);
        return app;
    }

    /// <summary>Gives the repository's apps a SQLite database each (seeded), committed in the primary worktree.</summary>
    private static void AddDatabase(TestRepository repository)
    {
        var path = Path.Combine(repository.Primary, "grove.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["database"] = JsonNode.Parse("""{ "provider": "sqlite", "name": "app", "seed": "seed.sql" }""");
        File.WriteAllText(path, json.ToJsonString());
        File.WriteAllText(Path.Combine(repository.Primary, "seed.sql"), "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('seeded');");
        repository.CommitAll("a database");
    }
}
