using Grove.Configuration;
using Grove.Contracts;
using Grove.Databases;
using Grove.Dependencies;
using Grove.Gateway;
using Grove.Hosting;
using Microsoft.Extensions.Logging;
using Grove.State;
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Grove.Cli.Output;
using Grove.Supervision;
using Grove.Worktrees;
using Spectre.Console;

namespace Grove.Cli.Commands;

/// <summary>
/// <c>grove up</c>: runs every worktree's app, follows worktrees as they come and go, shows a
/// live table (or, when the output is not a terminal, one line per change), and on Ctrl+C or
/// SIGTERM stops every app before it exits.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The gateway's port for this run (default: gateway.port in grove.json, else 8080)" };
        var command = new Command("up", "Run every worktree's app, each on its own port, and keep them running") { port };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            try
            {
                // Grove's own warnings and errors (a worktree list that cannot be read, a failed
                // reconcile, the gateway's) on standard error; each app's lines are in its log.
                using var loggers = LoggerFactory.Create(logging => logging
                    .SetMinimumLevel(LogLevel.Warning)
                    .AddFilter("Microsoft", LogLevel.None) // Kestrel's own: a taken port is reported as Grove's error with its fix
                    .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
                    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));

                // Disposed after the gateway: every app stops, then the database server Grove may have started.
                await using var host = await context.OpenHostAsync(stop.Token, loggers).ConfigureAwait(false);
                host.ThrowIfAnotherRuns(); // before the gateway tries the port the running one holds
                var config = await host.RepositoryConfigAsync(stop.Token).ConfigureAwait(false);

                var gatewayPort = parse.GetResult(port) is null ? config.GatewayPort : parse.GetValue(port);
                if (gatewayPort is < 1 or > 65535)
                {
                    throw new GroveException($"--port {gatewayPort} is not a TCP port", "pass a port from 1 to 65535 (1024 and above need no privileges)");
                }

                // The gateway first: a taken gateway port fails at once, before any install, build or app start.
                await using var gateway = await GatewayServer.StartAsync(host, new GatewayOptions { Port = gatewayPort, ExtraHostNames = config.GatewayHosts, LoggerFactory = loggers }, stop.Token).ConfigureAwait(false);
                var first = await host.StartAsync(gateway.Port, stop.Token).ConfigureAwait(false);
                if (Console.IsOutputRedirected)
                {
                    // In a terminal the live table's header says this, with the count kept current;
                    // printed above it, this line's count would go stale as worktrees come and go.
                    Console.Error.WriteLine($"grove up: {first.Worktrees.Length} worktree(s); all of them at {gateway.Url}; Ctrl+C stops every app and exits");
                }
                if (host.OrphansStopped.Count > 0)
                {
                    Console.Error.WriteLine($"grove up: stopped {host.OrphansStopped.Count} app(s) that a grove up which did not stop cleanly had left running ({string.Join(", ", host.OrphansStopped.Select(o => $"{o.Slug}: process {o.Pid}"))}); they run again under this one");
                }

                var orphans = (await host.ListDatabasesAsync(stop.Token).ConfigureAwait(false)).Where(d => d.State == DatabaseListing.Orphaned).Select(d => d.Name).ToList();
                if (orphans.Count > 0)
                {
                    Console.Error.WriteLine($"grove up: {orphans.Count} orphaned database(s), whose worktree is gone: {string.Join(", ", orphans)}; 'grove db prune' drops them");
                }

                if (await host.TemplateWarningAsync(stop.Token).ConfigureAwait(false) is { } warning)
                {
                    Console.Error.WriteLine($"grove up: {warning}"); // the template is rebuilt in the background; 'grove logs' shows it
                }

                if (Console.IsOutputRedirected)
                {
                    await PrintChangesAsync(host, stop.Token).ConfigureAwait(false);
                }
                else
                {
                    await ShowTableAsync(host, gateway.Url.ToString(), stop.Token).ConfigureAwait(false);
                }

                Console.Error.WriteLine("grove up: stopping every app…");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            Console.Error.WriteLine("grove up: all apps stopped");
            return 0;
        });
        return command;
    }

    /// <summary>For logs and scripts: one line per worktree whose state changed.</summary>
    private static async Task PrintChangesAsync(GroveHost host, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        string? configError = null;
        try
        {
            await foreach (var current in host.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                Print(current, shown, ref configError);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM.
        }
    }

    private static void Print(RepositorySnapshot current, Dictionary<string, string> shown, ref string? configError)
    {
        if (current.ConfigError != configError)
        {
            configError = current.ConfigError;
            Console.Out.WriteLine($"{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {(configError is null ? "grove.json is valid again" : $"grove.json: {configError}")}");
        }

        var now = DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        foreach (var w in current.Worktrees)
        {
            var line = $"{w.Slug} {WorktreeStateNames.Of(w.State)} {w.Url} {w.GatewayUrl}{(w.StateReason is null ? string.Empty : $" ({w.StateReason})")}{(w.Warning is null ? string.Empty : $" warning: {w.Warning}")}";
            if (!shown.TryGetValue(w.Path, out var before) || before != line)
            {
                shown[w.Path] = line;
                Console.Out.WriteLine($"{now} {line}");
            }
        }

        var present = current.Worktrees.Select(w => w.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in shown.Keys.Where(path => !present.Contains(path)).ToList())
        {
            Console.Out.WriteLine($"{now} {shown[gone].Split(' ')[0]} removed (its worktree is gone; its app was stopped)");
            shown.Remove(gone);
        }
    }

    /// <summary>For people: a table (<see cref="UpTable"/>, at the terminal's current width) redrawn in place four times a second, so step times advance.</summary>
    private static async Task ShowTableAsync(GroveHost host, string gatewayUrl, CancellationToken cancellationToken)
    {
        await AnsiConsole.Live(UpTable.Build(host.Current, gatewayUrl, DateTimeOffset.UtcNow, AnsiConsole.Profile.Width)).AutoClear(false).StartAsync(async live =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                live.UpdateTarget(UpTable.Build(host.Current, gatewayUrl, DateTimeOffset.UtcNow, AnsiConsole.Profile.Width));
                live.Refresh();
                try
                {
                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }).ConfigureAwait(false);
    }
}
