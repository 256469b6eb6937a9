using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

// Flags: --ignore-sigterm, --exit <code> (exit at once), --exit-after <ms> <code>,
// --unhealthy (health answers 503), --spawn-child (leaves a 'sleep' child in its process group),
// --record-stop (when stopped, writes beside this program whether its worktree folder still existed),
// --write-files (writes into its worktree folder all the time, as a dev server does: .next/cache/* and
// next-env.d.ts, creating the folders again when they are gone), --bind-any (listens on 0.0.0.0:PORT, as a
// dev server bound to every interface), --bind-host (listens on $HOST:$PORT, as Node dev servers do),
// --log-health (writes a line per health request), --unhealthy-after <ms> (health answers 503 from then on).
var flags = args.ToList();
string? Value(string flag, int offset = 1) => flags.IndexOf(flag) is var i and >= 0 && i + offset < flags.Count ? flags[i + offset] : null;

if (Value("--exit") is { } exitNow)
{
    Console.Error.WriteLine($"test app: exiting at once with {exitNow}");
    return int.Parse(exitNow, CultureInfo.InvariantCulture);
}

using var ignoreTerm = flags.Contains("--ignore-sigterm")
    ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        Console.WriteLine("test app: ignoring SIGTERM");
        context.Cancel = true;
    })
    : null;

if (flags.Contains("--spawn-child"))
{
    using var child = Process.Start(new ProcessStartInfo("sleep", "1000") { UseShellExecute = false });
    File.WriteAllText(Path.Combine(AppContext.BaseDirectory, $"child-{Environment.GetEnvironmentVariable("GROVE_SLUG")}.pid"), child!.Id.ToString(CultureInfo.InvariantCulture));
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
if (ignoreTerm is not null)
{
    // The default host lifetime stops the app on SIGTERM; this one leaves signals alone.
    builder.Services.AddSingleton<IHostLifetime, DeafLifetime>();
}

var app = builder.Build();
if (flags.Contains("--record-stop"))
{
    var folder = Environment.CurrentDirectory;
    app.Lifetime.ApplicationStopping.Register(() => File.WriteAllText(
        Path.Combine(AppContext.BaseDirectory, $"stopped-{Environment.GetEnvironmentVariable("GROVE_SLUG")}.txt"),
        $"folder exists={Directory.Exists(folder)}"));
}

if (flags.Contains("--write-files"))
{
    var folder = Environment.CurrentDirectory;
    _ = Task.Run(async () =>
    {
        for (var tick = 0; ; tick++)
        {
            try
            {
                var cache = Directory.CreateDirectory(Path.Combine(folder, ".next", "cache"));
                File.WriteAllText(Path.Combine(cache.FullName, $"chunk-{tick % 20}.js"), $"// {tick}");
                File.WriteAllText(Path.Combine(folder, "next-env.d.ts"), "/// <reference types=\"next\" />");
            }
            catch (IOException)
            {
                // Removed under it: written again on the next tick.
            }

            await Task.Delay(5);
        }
    });
}

var unhealthy = flags.Contains("--unhealthy");
app.MapGet("/", () => $"branch={Environment.GetEnvironmentVariable("GROVE_BRANCH")} slug={Environment.GetEnvironmentVariable("GROVE_SLUG")} port={Environment.GetEnvironmentVariable("PORT")} pid={Environment.ProcessId}");
var healthyUntil = Value("--unhealthy-after") is { } after ? DateTime.UtcNow.AddMilliseconds(int.Parse(after, CultureInfo.InvariantCulture)) : DateTime.MaxValue;
var logHealth = flags.Contains("--log-health");
app.MapGet("/health", () =>
{
    var answer = unhealthy || DateTime.UtcNow >= healthyUntil ? 503 : 200;
    if (logHealth)
    {
        Console.WriteLine($"test app: health request answered {answer}");
    }

    return answer == 200 ? Results.Ok("healthy") : Results.StatusCode(answer);
});
app.MapGet("/env/{name}", (string name) => Environment.GetEnvironmentVariable(name) is { } value ? Results.Text(value) : Results.NotFound());

if (Value("--exit-after") is { } delay)
{
    var code = int.Parse(Value("--exit-after", 2) ?? "1", CultureInfo.InvariantCulture);
    _ = Task.Delay(int.Parse(delay, CultureInfo.InvariantCulture)).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
}

var port = Environment.GetEnvironmentVariable("PORT");
if (flags.Contains("--bind-any"))
{
    app.Urls.Clear();
    app.Urls.Add($"http://0.0.0.0:{port}");
}
else if (flags.Contains("--bind-host"))
{
    app.Urls.Clear();
    app.Urls.Add($"http://{Environment.GetEnvironmentVariable("HOST") ?? "localhost"}:{port}");
}

Console.WriteLine($"test app: listening for {Environment.GetEnvironmentVariable("GROVE_SLUG")} on {(app.Urls.Count > 0 ? string.Join(' ', app.Urls) : Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))}");
await app.RunAsync();
return 0;

/// <summary>A host lifetime that ignores every signal.</summary>
internal sealed class DeafLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
