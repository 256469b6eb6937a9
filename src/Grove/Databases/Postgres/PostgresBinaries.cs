using System.Globalization;
using Grove.Processes;

namespace Grove.Databases;

/// <summary>
/// Where PostgreSQL's server programs are: the folder holding <c>initdb</c> and <c>pg_ctl</c>,
/// searched on PATH, then in <c>pg_config --bindir</c>, then in the newest
/// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (Debian keeps them there, off PATH).
/// </summary>
internal static class PostgresBinaries
{
    public const string MissingFix =
        "install PostgreSQL's server: on Debian/Ubuntu 'sudo apt-get install postgresql' (Fedora: postgresql-server, macOS: brew install postgresql); " +
        "or set database.connectionString in grove.json to a server of your own";

    /// <summary>The folder with initdb, pg_ctl and postgres; a clear error when there is none.</summary>
    public static Task<string> FindAsync(CancellationToken cancellationToken) =>
        FindAsync(PathFolders(), "/usr/lib/postgresql", cancellationToken);

    /// <summary>The search, over the given PATH folders and Debian root (so tests can search an empty machine).</summary>
    internal static async Task<string> FindAsync(IReadOnlyList<string> pathFolders, string debianRoot, CancellationToken cancellationToken)
    {
        foreach (var folder in pathFolders)
        {
            if (HasServer(folder))
            {
                return RealFolder(folder);
            }
        }

        var fromConfig = await PgConfigBinDirAsync(pathFolders, cancellationToken).ConfigureAwait(false);
        if (fromConfig is not null && HasServer(fromConfig))
        {
            return fromConfig;
        }

        var debian = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (folder: Path.Combine(d, "bin"), version: Version(Path.GetFileName(d))))
                .Where(d => HasServer(d.folder))
                .OrderByDescending(d => d.version)
                .Select(d => d.folder)
                .FirstOrDefault()
            : null;
        return debian ?? throw new GroveException(
            "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found on PATH, in 'pg_config --bindir' or in /usr/lib/postgresql/*/bin",
            MissingFix);
    }

    private static string[] PathFolders() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Where initdb really is (PATH often holds symbolic links), so its sibling programs are found.</summary>
    private static string RealFolder(string folder)
    {
        var target = new FileInfo(Path.Combine(folder, "initdb")).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? folder : Path.GetDirectoryName(target.FullName) ?? folder;
    }

    private static bool HasServer(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")) && File.Exists(Path.Combine(folder, "postgres"));

    private static async Task<string?> PgConfigBinDirAsync(IReadOnlyList<string> pathFolders, CancellationToken cancellationToken)
    {
        var pgConfig = pathFolders.Select(f => Path.Combine(f, "pg_config")).FirstOrDefault(File.Exists);
        if (pgConfig is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var result = await ProcessRunner.RunAsync(new ProcessSpec(pgConfig, ["--bindir"]), timeout.Token).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    private static int Version(string name) =>
        int.TryParse(name.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
}
