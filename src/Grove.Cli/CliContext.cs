using Grove.Processes;
using System.CommandLine;
using Grove.Configuration;
using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Cli;

/// <summary>What every command needs: the repository (from --repo or the current folder) and its catalog.</summary>
internal sealed class CliContext
{
    public static readonly Option<string?> RepoOption = new("--repo")
    {
        Description = "A folder inside the repository (any of its worktrees); default: the current folder",
        Recursive = true,
    };

    private CliContext(RepositoryLocation location, WorktreeCatalog catalog, string startDirectory)
    {
        Location = location;
        Catalog = catalog;
        StartDirectory = startDirectory;
    }

    public RepositoryLocation Location { get; }

    public WorktreeCatalog Catalog { get; }

    /// <summary>Where git commands that act on "the current worktree" run.</summary>
    public string StartDirectory { get; }

    public static async Task<CliContext> CreateAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(parse.GetValue(RepoOption) ?? Environment.CurrentDirectory);
        var git = new Git();
        var location = await RepositoryLocation.FindAsync(git, directory, cancellationToken).ConfigureAwait(false);
        return new CliContext(location, new WorktreeCatalog(git, location.CommonGitDirectory), location.CurrentWorktree ?? location.CommonGitDirectory);
    }

    /// <summary>
    /// The repository-wide grove.json (the primary worktree's). With a snapshot that holds the
    /// primary worktree it is read from there, without running git again.
    /// </summary>
    public async Task<GroveConfig> ConfigAsync(RepositorySnapshot? snapshot, CancellationToken cancellationToken)
    {
        if (snapshot?.Primary is { } primary)
        {
            try
            {
                return GroveConfigLoader.LoadFromWorktree(primary.Path);
            }
            catch (ConfigException) when (snapshot.ConfigError is not null && Catalog.LastGood.Recall() is { } lastGood)
            {
                return lastGood; // a read-only command goes on with the last good config (the snapshot's warning says so)
            }
        }

        var entries = await Catalog.ListAsync(cancellationToken).ConfigureAwait(false);
        return await Catalog.LoadRepositoryConfigAsync(entries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the supervisor recorded: the front end that runs the apps (if any) and their states.</summary>
    public Supervision.RunStore Runs => new(Catalog.Store);

    /// <summary>The worktrees with the app states the running front end recorded (all stopped when none runs).</summary>
    public async Task<RepositorySnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var host = await OpenHostAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = await host.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        await WarnIfConfigBrokenAsync(snapshot).ConfigureAwait(false);
        return snapshot;
    }

    /// <summary>A broken grove.json, while the snapshot was made with the last good one: said on standard error.</summary>
    public static async Task WarnIfConfigBrokenAsync(RepositorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.ConfigError is { } error)
        {
            await Console.Error.WriteLineAsync($"grove: warning: {error}").ConfigureAwait(false);
        }
    }

    /// <summary>Finishes or drops what a crashed grove run left half-made (databases), saying so on standard error.</summary>
    public async Task SettleInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var host = await OpenHostAsync(cancellationToken).ConfigureAwait(false);
        await host.SettleInterruptedAsync(Output.StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The engine for this repository, opened (no app runs); the caller disposes it (which stops a database server it started).</summary>
    public Task<Hosting.GroveHost> OpenHostAsync(CancellationToken cancellationToken, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Hosting.GroveHost.Open(new Hosting.GroveHostOptions { RepositoryPath = StartDirectory, LoggerFactory = loggers }, Location, Catalog.Git));
    }

    /// <summary>The repository's database manager; the caller disposes it (which stops a server it started).</summary>
    public DatabaseManager Databases() => new(Location.CommonGitDirectory);

    /// <summary>The worktree the command was started in.</summary>
    public WorktreeSnapshot CurrentWorktree(RepositorySnapshot snapshot)
    {
        var top = Location.CurrentWorktree ?? throw new GroveException(
            "this folder is not inside a worktree (a bare repository or a .git folder)",
            "cd into one of the worktrees that 'grove ls' lists, or pass --repo <worktree folder>");
        return snapshot.Worktrees.FirstOrDefault(w => SameFolder(w.Path, top)) ?? throw new GroveException(
            $"git does not list {top} as a worktree of {snapshot.CommonGitDirectory}",
            "run 'git worktree repair' in that folder, then try again");
    }

    /// <summary>The worktree named by slug, branch or folder, or the current one when <paramref name="name"/> is null.</summary>
    public WorktreeSnapshot Resolve(RepositorySnapshot snapshot, string? name)
    {
        if (name is null)
        {
            return CurrentWorktree(snapshot);
        }

        return Hosting.GroveHost.Resolve(snapshot, name);
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);

    private static string Resolve(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var target = Directory.Exists(full) ? new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName : null;
        return target ?? full;
    }
}
