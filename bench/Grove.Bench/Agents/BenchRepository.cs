using System.Text.Json;
using System.Text.Json.Nodes;
using Grove.Testing;

namespace Grove.Bench.Agents;

/// <summary>
/// The repository the agents work in: a real git repository whose grove.json runs the sample app
/// (samples/Notes, prebuilt beside this program) with its own database, SQLite or PostgreSQL
/// (Grove's own server), branched from a template seeded with the sample's seed.
/// </summary>
internal sealed class BenchRepository : IDisposable
{
    private BenchRepository(TestRepository repo, string provider, int portBase, int portRange, int gatewayPort)
    {
        Repo = repo;
        Provider = provider;
        PortBase = portBase;
        PortRange = portRange;
        GatewayPort = gatewayPort;
    }

    public TestRepository Repo { get; }

    public string Provider { get; }

    public int PortBase { get; }

    public int PortRange { get; }

    public int GatewayPort { get; }

    public static BenchRepository Create(string provider)
    {
        var repo = AppRepository.Create(); // claims a port range of its own
        var path = Path.Combine(repo.Primary, "grove.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["app"] = JsonNode.Parse(JsonSerializer.Serialize(new { command = "dotnet", args = new[] { Path.Combine(AppContext.BaseDirectory, "Notes.dll") }, healthPath = "/health" }));
        config["install"] = new JsonArray();
        config["database"] = JsonNode.Parse(JsonSerializer.Serialize(new { provider, name = "app", seed = "seed.sql" }));
        File.WriteAllText(path, config.ToJsonString());
        File.Copy(Path.Combine(AppContext.BaseDirectory, "db", $"seed.{provider}.sql"), Path.Combine(repo.Primary, "seed.sql"));
        repo.Git(repo.Primary, "add", "-A");
        repo.Git(repo.Primary, "commit", "-qm", "run the sample app with its database");
        var ports = config["ports"]!;
        return new BenchRepository(repo, provider, ports["base"]!.GetValue<int>(), ports["range"]!.GetValue<int>(), config["gateway"]!["port"]!.GetValue<int>());
    }

    public void Dispose() => Repo.Dispose();
}
