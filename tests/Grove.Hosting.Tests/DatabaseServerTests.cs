using System.Text.Json.Nodes;
using Npgsql;

namespace Grove.Hosting.Tests;

/// <summary>
/// WithDatabaseServer with a connection-string resource pointing at a real local PostgreSQL
/// server (started by the fixture from Debian's binaries): the worktrees' databases are branched
/// there, and Grove runs no server of its own.
/// </summary>
public sealed class DatabaseServerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task WithDatabaseServer_ConnectionString_BranchesTheWorktreesDatabasesInThatServer()
    {
        using var repository = PostgresRepository();

        using var limit = new CancellationTokenSource(AppHostFixture.StartLimit);
        using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--repo", repository.Primary, $"--ConnectionStrings:pg={postgres.ConnectionString}"], limit.Token);
        var grove = builder.Resources.OfType<GroveRepositoryResource>().Single();
        builder.CreateResourceBuilder(grove).WithDatabaseServer(builder.AddConnectionString("pg"));
        await using var app = await builder.BuildAsync(limit.Token);
        await app.StartAsync(limit.Token);

        var main = await Rows.WaitAsync(app, "main", r => r.State == "Running");
        Assert.StartsWith("postgres: app_main", main.Property("grove.database"), StringComparison.Ordinal);
        Assert.DoesNotContain("assword", main.Property("grove.database.connection") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        await using (var connection = await postgres.OpenAsync())
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = 'app_main'", connection);
            Assert.Equal(1L, (long)(await command.ExecuteScalarAsync(limit.Token))!);
        }

        Assert.False(app.ResourceNotifications.TryGetCurrentState("grove-postgres", out _), "Grove started a server of its own");
        await app.StopAsync(limit.Token);
    }

    [Fact]
    public async Task WithoutDatabaseServer_GrovesOwnPostgresServer_ShowsAsARowWhileItRuns()
    {
        using var repository = PostgresRepository();
        using var limit = new CancellationTokenSource(AppHostFixture.StartLimit);
        using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--repo", repository.Primary], limit.Token);
        await using var app = await builder.BuildAsync(limit.Token);
        await app.StartAsync(limit.Token);

        var main = await Rows.WaitAsync(app, "main", r => r.State == "Running");
        var server = await Rows.WaitAsync(app, "grove-postgres", r => r.State == "Running");
        Assert.Equal("PostgreSQL", server.Snapshot.ResourceType);
        Assert.Equal("grove", server.Property("resource.parentName"));
        var address = server.Property("grove.address")!;
        Assert.Contains(address.Split(':')[^1], main.Property("grove.database.connection"), StringComparison.Ordinal);
        await app.StopAsync(limit.Token);
    }

    /// <summary>A repository whose apps (the test app) get a PostgreSQL database each, seeded with one table.</summary>
    private static TestRepository PostgresRepository()
    {
        var repository = AppRepository.Create();
        var path = Path.Combine(repository.Primary, "grove.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["database"] = JsonNode.Parse("""{ "provider": "postgres", "name": "app", "seed": "seed.sql" }""");
        File.WriteAllText(path, json.ToJsonString());
        File.WriteAllText(Path.Combine(repository.Primary, "seed.sql"), "CREATE TABLE notes (text TEXT);");
        repository.CommitAll("a postgres database");
        return repository;
    }
}
