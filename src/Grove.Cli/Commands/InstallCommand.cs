using System.CommandLine;
using System.Runtime.InteropServices;
using Grove.Configuration;
using Grove.Dependencies;

namespace Grove.Cli.Commands;

/// <summary><c>grove install [worktree] [--force]</c>: a worktree's dependencies, reused from another worktree when the inputs match.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("worktree") { Description = "The worktree's slug, branch or folder; default: the current worktree", Arity = ArgumentArity.ZeroOrOne };
        var force = new Option<bool>("--force") { Description = "Install for real, even when up to date or reusable" };
        var command = new Command("install", "Install a worktree's dependencies (npm, pnpm, yarn, dotnet, uv, pip), reusing another worktree's install of the same lockfile") { target, force };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var name = parse.GetValue(target);
            var worktree = name is null ? context.CurrentWorktree(snapshot) : snapshot.Find(name) ?? throw new GroveException(
                $"no worktree is named '{name}'",
                "run 'grove ls' to see the worktrees and their slugs");
            var config = GroveConfigLoader.LoadFromWorktree(worktree.Path);
            var installer = new DependencyInstaller(context.Location.CommonGitDirectory);
            Console.Out.WriteLine($"grove: installing dependencies of {worktree.Slug} ({worktree.Path})");

            // Ctrl+C or SIGTERM stops the install and its whole process tree before grove exits.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
            InstallReport report;
            try
            {
                report = await installer.EnsureInstalledAsync(
                    worktree,
                    config,
                    line => Console.Out.WriteLine($"  {line}"),
                    new ConsoleProgress(),
                    parse.GetValue(force),
                    stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"grove: install of {worktree.Slug} stopped; its commands were ended. Run 'grove install {worktree.Slug}' to finish it.").ConfigureAwait(false);
                return Interrupted;
            }

            Console.Out.WriteLine(report.Skipped
                ? $"grove: nothing to install: {report.SkippedReason}"
                : $"grove: {worktree.Slug} is ready ({string.Join(", ", report.Steps.Select(s => $"{s.Step.Id} {s.Outcome.ToString().ToLowerInvariant()}"))})");
            return 0;
        });
        return command;
    }

    /// <summary>The exit code of a program ended by SIGINT, by shell convention.</summary>
    private const int Interrupted = 130;

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>Prints progress at once, in order (the framework's Progress&lt;T&gt; would post it to the thread pool).</summary>
    private sealed class ConsoleProgress : IProgress<string>
    {
        public void Report(string value) => Console.Out.WriteLine($"grove: {value}");
    }
}
