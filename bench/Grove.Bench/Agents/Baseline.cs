using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Grove.Testing;
using Npgsql;

namespace Grove.Bench.Agents;

/// <summary>
/// What must be the same before and after a round of agents: the listening ports of the
/// repository's port range, the processes under <c>grove up</c>, the worktrees, the databases
/// (Grove's record and what is really there), the primary worktree (HEAD, status, its notes) and
/// the template.
/// </summary>
internal sealed record Baseline(string Ports, string Processes, string Worktrees, string Databases, string ActualDatabases, string Primary, string Template)
{
    public static async Task<Baseline> TakeAsync(TestRepository repo, BenchRepository bench, int upPid)
    {
        var worktrees = await GroveJsonAsync(repo, "ls", "--json");
        var primary = worktrees.RootElement.EnumerateArray().Single(w => w.GetProperty("primary").GetBoolean());
        var databases = await GroveJsonAsync(repo, "db", "ls", "--json");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var notes = await http.GetStringAsync(new Uri($"http://127.0.0.1:{primary.GetProperty("port").GetInt32().ToString(CultureInfo.InvariantCulture)}/api/notes"));
        var status = TestRepository.RunGit(repo.Primary, "status", "--porcelain", "--untracked-files=all");
        var head = TestRepository.RunGit(repo.Primary, "rev-parse", "HEAD").Trim();
        var (actual, template) = bench.Provider == "postgres" ? await PostgresAsync(repo) : Sqlite(repo);
        return new Baseline(
            string.Join(",", ListeningPorts(bench.PortBase, bench.PortBase + bench.PortRange)),
            string.Join(",", Descendants(upPid)),
            string.Join(",", worktrees.RootElement.EnumerateArray().Select(w => $"{w.GetProperty("slug").GetString()}:{w.GetProperty("port").GetInt32()}").Order(StringComparer.Ordinal)),
            string.Join(",", databases.RootElement.EnumerateArray().Where(d => d.GetProperty("kind").GetString() != "spare")
                .Select(d => $"{d.GetProperty("kind").GetString()}:{d.GetProperty("name").GetString()}").Order(StringComparer.Ordinal)),
            actual,
            $"HEAD {head}, status '{status.Trim()}', notes {notes}",
            template);
    }

    /// <summary>Each field that differs from <paramref name="before"/>, as "field: before → after".</summary>
    public IEnumerable<string> Differences(Baseline before)
    {
        ArgumentNullException.ThrowIfNull(before);
        foreach (var (name, was, now) in new[]
        {
            ("listening ports", before.Ports, Ports), ("processes under grove up", before.Processes, Processes),
            ("worktrees", before.Worktrees, Worktrees), ("databases Grove records", before.Databases, Databases),
            ("databases that exist", before.ActualDatabases, ActualDatabases), ("primary worktree", before.Primary, Primary),
            ("template", before.Template, Template),
        })
        {
            if (was != now)
            {
                yield return $"{name}: [{was}] became [{now}]";
            }
        }
    }

    private static readonly string[] SocketTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>The ports in [<paramref name="low"/>, <paramref name="high"/>] that something listens on (IPv4 and IPv6).</summary>
    private static IEnumerable<int> ListeningPorts(int low, int high) =>
        SocketTables.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[3] == "0A") // LISTEN
            .Select(f => int.Parse(f[1].Split(':')[^1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Where(p => p >= low && p <= high).Distinct().Order();

    /// <summary>
    /// The processes under <paramref name="root"/> (pid and name), without the ones that come and
    /// go by themselves: grove up's own git reads, and PostgreSQL's backends and workers (the
    /// server itself is counted).
    /// </summary>
    private static IEnumerable<string> Descendants(int root)
    {
        var parents = new Dictionary<int, (int Parent, string Name)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                if (fields[0] != "Z")
                {
                    parents[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), name);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        bool Under(int pid, out bool postgresChild)
        {
            postgresChild = parents.TryGetValue(pid, out var own) && own.Name == "postgres" && parents.TryGetValue(own.Parent, out var parent) && parent.Name == "postgres";
            for (var p = pid; parents.TryGetValue(p, out var entry); p = entry.Parent)
            {
                if (entry.Parent == root)
                {
                    return true;
                }
            }

            return false;
        }

        return parents.Keys.Where(pid => Under(pid, out var postgresChild) && !postgresChild && parents[pid].Name != "git").Order()
            .Select(pid => $"{pid.ToString(CultureInfo.InvariantCulture)}({parents[pid].Name})");
    }

    private static (string Actual, string Template) Sqlite(TestRepository repo)
    {
        var folder = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app");
        var files = Directory.EnumerateFiles(folder, "*.db").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var template = Path.Combine(folder, "__template.db");
        return (string.Join(",", files), File.Exists(template) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(template))) : "missing");
    }

    /// <summary>The databases on Grove's PostgreSQL server, and the template's identity (its oid: rebuilt means changed).</summary>
    private static async Task<(string Actual, string Template)> PostgresAsync(TestRepository repo)
    {
        var worktrees = await GroveJsonAsync(repo, "ls", "--json");
        var primary = worktrees.RootElement.EnumerateArray().Single(w => w.GetProperty("primary").GetBoolean());
        var password = (await File.ReadAllTextAsync(Path.Combine(repo.CommonGitDirectory, "grove", "postgres.password"))).Trim();
        var builder = new NpgsqlConnectionStringBuilder(primary.GetProperty("database").GetProperty("connectionString").GetString()) { Password = password, Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname, oid FROM pg_database ORDER BY datname", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        var template = "missing";
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            if (name == global::Grove.Databases.DatabaseNames.Template("app"))
            {
                template = $"{name} oid {reader.GetFieldValue<uint>(1).ToString(CultureInfo.InvariantCulture)}";
            }
            else if (!name.Contains("__spare", StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        return (string.Join(",", names), template);
    }

    private static async Task<JsonDocument> GroveJsonAsync(TestRepository repo, params string[] arguments) =>
        JsonDocument.Parse(await GroveCommand.RunAsync(repo.Primary, arguments));
}
