using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grove.Processes;
using Grove.Testing;

namespace Grove.Bench;

/// <summary>
/// Issue 6: small GETs straight to an app, through Grove's gateway (a running <c>grove up</c>),
/// and through nginx configured as the same reverse proxy; same client, same run. Reports p50/p99
/// latency (one connection, sequential) and requests per second (concurrent keep-alive clients).
/// Goals: the gateway adds at most 0.5 ms at p50, and serves at least nginx's throughput.
/// </summary>
internal static class GatewayBenchmark
{
    private const int LatencyRequests = 3000;
    private const int Concurrency = 16;
    private const int Rounds = 3;
    private static readonly TimeSpan ThroughputTime = TimeSpan.FromSeconds(6);
    private static readonly string Grove = Path.Combine(AppContext.BaseDirectory, "grove.dll");
    private static readonly string TestApp = Path.Combine(AppContext.BaseDirectory, "Grove.TestApp.dll");

    public static async Task<bool> RunAsync()
    {
        if (!File.Exists("/usr/sbin/nginx"))
        {
            Console.WriteLine("nginx is missing: install Debian's nginx ('apt-get install nginx') to compare against it");
            return false;
        }

        using var repo = TestRepository.Create();
        var gatewayPort = FreePort.Next();
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), JsonSerializer.Serialize(new
        {
            app = new { command = "dotnet", args = new[] { TestApp }, healthPath = "/health" },
            ports = new { @base = 47000, range = 100 },
            gateway = new { port = gatewayPort },
        }));
        await using var up = ChildProcess.Start(new ProcessSpec("dotnet", [Grove, "up"], repo.Primary), (_, _) => { });
        await Measure.RunAsync(new ProcessSpec("dotnet", [Grove, "wait", "main", "--timeout", "120"], repo.Primary));

        // The port Grove leased (another program may hold the preferred one): all three targets reach this same app.
        var leased = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [Grove, "url", "--json"], repo.Primary));
        using var document = JsonDocument.Parse(leased.StandardOutput);
        var appPort = document.RootElement.GetProperty("port").GetInt32();
        using var scratch = new TempFolder("grove-nginx");
        var nginxPort = FreePort.Next();
        await using var nginx = StartNginx(scratch.Path, nginxPort, appPort);
        await WaitListeningAsync(nginxPort);

        // The proxy's own processes (grove up's group holds the gateway, not the app, which runs in
        // its own group; nginx's holds its master and workers): their CPU time per request is the
        // cost that decides throughput on a machine whose cores are shared with client and app.
        var targets = new (string Name, Uri Url, int ConnectPort, int? ProxyGroup)[]
        {
            ("direct", new Uri($"http://127.0.0.1:{appPort}/health"), appPort, null),
            ("grove gateway", new Uri($"http://main.localhost:{gatewayPort}/health"), gatewayPort, up.Identity.Pid),
            ("nginx", new Uri($"http://127.0.0.1:{nginxPort}/health"), nginxPort, nginx.Identity.Pid),
        };
        // Warm-up under load first: a long-running gateway runs fully tiered (optimised) code, so
        // JIT warm-up is not counted against it (nginx needs none).
        foreach (var (_, url, port, _) in targets)
        {
            await LoadAsync(url, port, TimeSpan.FromSeconds(3));
        }

        // Rounds interleave the targets, so a change in the machine's load hits all three alike.
        var rounds = targets.ToDictionary(t => t.Name, _ => new List<Sample>());
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, url, port, group) in targets)
            {
                rounds[name].Add(await MeasureAsync(url, port, group));
            }
        }

        var results = rounds.ToDictionary(r => r.Key, r => (
            P50: Median(r.Value.Select(v => v.P50)),
            P99: Median(r.Value.Select(v => v.P99)),
            Rps: Median(r.Value.Select(v => v.Rps)),
            CpuPerRequest: Median(r.Value.Select(v => v.ProxyCpuMicroseconds))));
        Console.WriteLine($"GET /health of one test app (port {appPort}): latency over {LatencyRequests} sequential requests on one connection; throughput with {Concurrency} keep-alive clients for {ThroughputTime.TotalSeconds:0} s; medians of {Rounds} interleaved rounds (min-max req/s); proxy CPU: the proxy's own CPU time per request under load");
        Console.WriteLine($"  {"target",-14} {"p50",10} {"p99",10} {"req/s",10} {"proxy CPU",12}");
        foreach (var (name, (p50, p99, rps, cpu)) in results)
        {
            var proxyCpu = double.IsNaN(cpu) ? "-" : $"{cpu:0.0} us";
            Console.WriteLine($"  {name,-14} {p50,8:0.00} ms {p99,7:0.00} ms {rps,10:0} {proxyCpu,12}  ({rounds[name].Min(v => v.Rps):0}-{rounds[name].Max(v => v.Rps):0} req/s)");
        }

        var added = results["grove gateway"].P50 - results["direct"].P50;
        var versusNginx = results["grove gateway"].Rps / results["nginx"].Rps;
        Console.WriteLine($"gateway adds {added:0.00} ms at p50 (goal <= 0.5 ms); nginx adds {results["nginx"].P50 - results["direct"].P50:0.00} ms");
        Console.WriteLine($"gateway throughput is {Measure.Ratio(versusNginx)} nginx's (goal >= 1.00x)");
        var met = added <= 0.5 && versusNginx >= 1.0;
        Console.WriteLine(met ? "goals met" : "goal NOT met");
        return met;
    }

    private sealed record Sample(double P50, double P99, double Rps, double ProxyCpuMicroseconds);

    private static async Task<Sample> MeasureAsync(Uri url, int port, int? proxyGroup)
    {
        using var http = Client(port);
        for (var i = 0; i < 300; i++)
        {
            (await http.GetAsync(url)).Dispose();
        }

        var samples = new List<TimeSpan>(LatencyRequests);
        for (var i = 0; i < LatencyRequests; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            samples.Add(clock.Elapsed);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
            }
        }

        var cpuBefore = proxyGroup is { } before ? ProcessCpu.OfGroup(before) : TimeSpan.Zero;
        var rps = await LoadAsync(url, port, ThroughputTime);
        var cpu = proxyGroup is { } after ? (ProcessCpu.OfGroup(after) - cpuBefore).TotalMicroseconds / (rps * ThroughputTime.TotalSeconds) : double.NaN;
        return new Sample(Measure.Percentile(samples, 0.5), Measure.Percentile(samples, 0.99), rps, cpu);
    }

    /// <summary><see cref="Concurrency"/> keep-alive clients sending GETs for <paramref name="time"/>; returns requests per second.</summary>
    private static async Task<double> LoadAsync(Uri url, int port, TimeSpan time)
    {
        var count = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            using var client = Client(port);
            while (clock.Elapsed < time)
            {
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref count);
            }
        }));
        await Task.WhenAll(workers);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static HttpClient Client(int port) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = 1,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    private static ChildProcess StartNginx(string prefix, int port, int appPort)
    {
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var config = string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes 2;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream app { server 127.0.0.1:{{appPort}}; keepalive 64; }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $remote_addr;
                    }
                }
            }
            """);
        var file = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(file, config);
        return ChildProcess.Start(new ProcessSpec("/usr/sbin/nginx", ["-p", prefix, "-c", file, "-g", "daemon off;"], prefix), (_, line) => Console.Error.WriteLine($"nginx: {line}"));
    }

    private static async Task WaitListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"nothing listens on port {port}");
    }
}
