using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Grove.Bench.Agents;

/// <summary>
/// One simulated coding agent, a process of its own (<c>Grove.Bench agent …</c>): once told to go,
/// it does what an agent does with Grove — <c>grove new</c>, <c>grove wait</c>, an end-to-end
/// check against its own app through the gateway and directly, <c>grove rm</c> — and prints what
/// it saw as one JSON line.
/// </summary>
internal static class SimulatedAgent
{
    public const string Command = "agent";

    /// <summary><c>agent &lt;repository&gt; &lt;branch&gt; &lt;gateway port&gt; &lt;ready file&gt; &lt;go file&gt;</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (repository, branch, gatewayPort, ready, go) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args[4], args[5]);
        await File.WriteAllTextAsync(ready, string.Empty);
        while (!File.Exists(go))
        {
            await Task.Delay(2);
        }

        var report = new AgentReport { Branch = branch, Go = Now() };
        try
        {
            var created = await GroveCommand.RunAsync(repository, "new", branch, "--json");
            using (var json = JsonDocument.Parse(created))
            {
                var root = json.RootElement;
                report.Slug = root.GetProperty("slug").GetString();
                report.Port = root.GetProperty("port").GetInt32();
                report.Database = root.GetProperty("database").ValueKind == JsonValueKind.Object ? root.GetProperty("database").GetProperty("name").GetString() : null;
            }

            report.Created = Now();
            var url = await GroveCommand.RunAsync(repository, "wait", report.Slug!, "--timeout", "600");
            report.Healthy = Now();
            report.Port = new Uri(url.Trim()).Port; // where it runs now: a port a foreign process took meanwhile is probed past
            report.Problems.AddRange(await CheckEndToEndAsync(report.Slug!, report.Port, gatewayPort, $"{branch} {Guid.NewGuid():N}"));
            report.Validated = Now();
            await GroveCommand.RunAsync(repository, "rm", report.Slug!);
            report.Removed = Now();
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or JsonException or TaskCanceledException or UriFormatException)
        {
            report.Problems.Add($"{branch}: {ex.Message}");
            if (report.Slug is not null && report.Removed == 0)
            {
                await RemoveAfterFailureAsync(repository, report);
            }
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(report, AgentJson.Default.AgentReport));
        return report.Problems.Count == 0 ? 0 : 1;
    }

    /// <summary>Removes the worktree of an agent that failed, so one failure is reported once, not again as a leak.</summary>
    private static async Task RemoveAfterFailureAsync(string repository, AgentReport report)
    {
        try
        {
            await GroveCommand.RunAsync(repository, "rm", report.Slug!);
        }
        catch (InvalidOperationException ex)
        {
            report.Problems.Add($"{report.Branch}: and its worktree could not be removed: {ex.Message}");
        }
    }

    /// <summary>
    /// Writes a note through the gateway and reads it back directly, and the other way round; both
    /// routes must be answered by this worktree's app, and no other agent's note may be visible.
    /// </summary>
    private static async Task<List<string>> CheckEndToEndAsync(string slug, int port, int gatewayPort, string mark)
    {
        var problems = new List<string>();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                // <slug>.localhost is loopback (RFC 6761), whatever the resolver says.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { Timeout = TimeSpan.FromSeconds(60) };
        var viaGateway = new Uri($"http://{slug}.localhost:{gatewayPort.ToString(CultureInfo.InvariantCulture)}/");
        var direct = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

        foreach (var (route, address) in new[] { ("gateway", viaGateway), ("direct", direct) })
        {
            using var info = await http.GetFromJsonAsync<JsonDocument>(new Uri(address, "api/info"));
            var answered = info!.RootElement.GetProperty("slug").GetString();
            if (answered != slug)
            {
                problems.Add($"{slug}: {route} request answered by the app of '{answered}'");
            }
        }

        foreach (var (write, read, note) in new[] { (viaGateway, direct, $"{mark} via gateway"), (direct, viaGateway, $"{mark} direct") })
        {
            using var posted = await http.PostAsJsonAsync(new Uri(write, "api/notes"), new { text = note });
            if (posted.StatusCode != HttpStatusCode.Created)
            {
                problems.Add($"{slug}: writing a note answered {(int)posted.StatusCode}");
            }

            using var notes = await http.GetFromJsonAsync<JsonDocument>(new Uri(read, "api/notes"));
            var texts = notes!.RootElement.EnumerateArray().Select(n => n.GetProperty("text").GetString() ?? string.Empty).ToList();
            if (!texts.Contains(note))
            {
                problems.Add($"{slug}: the note written ({note}) was not read back");
            }

            problems.AddRange(texts.Where(t => t.StartsWith(AgentsScenario.BranchPrefix, StringComparison.Ordinal) && !t.StartsWith(mark, StringComparison.Ordinal))
                .Select(t => $"{slug}: sees another agent's note '{t}'"));
        }

        return problems;
    }

    private static long Now() => AgentsScenario.Now(); // monotonic (CLOCK_MONOTONIC), the same in every process on the machine
}
