using Grove.Files;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grove.Processes;
using Grove.State;
using Npgsql;

namespace Grove.Databases;

/// <summary>
/// The PostgreSQL server Grove runs for a repository when <c>database.connectionString</c> is
/// null: data in <c>&lt;state&gt;/postgres/data</c>, listening on 127.0.0.1 only (no Unix
/// socket), user <c>grove</c> with a generated password in the owner-only file
/// <c>&lt;state&gt;/postgres.password</c>, on a port recorded in the state store (kept across
/// restarts while free, never a port leased to a worktree). A running server is reused.
/// </summary>
internal sealed class LocalPostgresServer
{
    public const string User = "grove";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan InitLimit = TimeSpan.FromMinutes(3);
    private readonly StateStore _state;
    private readonly OwnershipStore _ownership;
    private (string Binaries, ServerAccount Account)? _programs;

    public LocalPostgresServer(StateStore state)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _ownership = new OwnershipStore(state);
        Folder = Path.Combine(state.Folder, "postgres");
        DataFolder = Path.Combine(Folder, "data");
        LogFile = Path.Combine(Folder, "server.log");
        PasswordPath = Path.Combine(state.Folder, "postgres.password");
    }

    public string Folder { get; }

    public string DataFolder { get; }

    public string LogFile { get; }

    public string PasswordPath { get; }

    /// <summary>The server's self-signed TLS certificate (public; its key is beside it, owner-only).</summary>
    public string CertificatePath => Path.Combine(DataFolder, ServerCertificate.CertificateFileName);

    /// <summary>How apps will reach the server, without starting it (for <c>grove env</c> and <c>grove ls</c>).</summary>
    public PostgresServer Describe()
    {
        _ = _state.Use(_ => 0); // creates the state folder, owner-only, before the password file goes in
        var port = _ownership.ServerPort(PostgresServer.LocalKey) ?? LeasePort(null);
        return PostgresServer.Local(port, PasswordFile.ReadOrCreate(PasswordPath), CertificatePath);
    }

    /// <summary>
    /// Makes sure the server runs: initialises it the first time, starts it when stopped, reuses
    /// it when running. The caller holds the database lock.
    /// </summary>
    /// <returns>The server, and whether this call started it (and so should stop it).</returns>
    public async Task<(PostgresServer Server, bool Started)> EnsureRunningAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (binaries, account) = await ProgramsAsync(cancellationToken).ConfigureAwait(false);
        var described = Describe();
        if (!File.Exists(Path.Combine(DataFolder, "PG_VERSION")))
        {
            await InitialiseAsync(binaries, account, progress, cancellationToken).ConfigureAwait(false);
        }

        var running = ReadRunningPort();
        if (running is not null && await RespondsAsync(running.Value, described, cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(CertificatePath))
            {
                // Started by a Grove before TLS: its settings are written now and reloaded (ssl is a reloadable setting).
                await WriteSettingsAsync(running.Value, account, cancellationToken).ConfigureAwait(false);
                await RunAsync(binaries, account, "pg_ctl", ["reload", "-D", DataFolder, "-s"], StartLimit, cancellationToken).ConfigureAwait(false);
            }

            _ownership.SetServerPort(PostgresServer.LocalKey, running.Value);
            return (PostgresServer.Local(running.Value, PasswordFile.ReadOrCreate(PasswordPath), CertificatePath), false);
        }

        var recorded = _ownership.ServerPort(PostgresServer.LocalKey);
        var port = recorded is not null && IsFree(recorded.Value) ? recorded.Value : LeasePort(recorded);
        _ownership.SetServerPort(PostgresServer.LocalKey, port);
        await WriteSettingsAsync(port, account, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"starting Grove's PostgreSQL server on 127.0.0.1:{port}"));
        var started = await RunAsync(binaries, account, "pg_ctl", ["start", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-s"], StartLimit, cancellationToken).ConfigureAwait(false);
        if (!started.Succeeded)
        {
            throw new GroveException(
                $"Grove's PostgreSQL server did not start: {started.StandardError.Trim()} {LastLogLines()}".Trim(),
                $"read {LogFile}; if another program took port {port}, run the command again (Grove picks a free port)");
        }

        return (PostgresServer.Local(port, PasswordFile.ReadOrCreate(PasswordPath), CertificatePath), true);
    }

    /// <summary>
    /// What a fresh grove process pays before its first change, done without the database lock:
    /// finding the server's programs and, when the server runs, one connection (the first loads
    /// and compiles Npgsql's code). Parallel grove commands then overlap that work instead of
    /// queueing behind it. Changes nothing; a problem is left for the change itself to report.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ProgramsAsync(cancellationToken).ConfigureAwait(false);
            if (ReadRunningPort() is { } port && _ownership.ServerPort(PostgresServer.LocalKey) is not null)
            {
                await RespondsAsync(port, Describe(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GroveException)
        {
        }
    }

    /// <summary>Stops the server cleanly (fast shutdown: sessions end, committed data is kept).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var (binaries, account) = await ProgramsAsync(cancellationToken).ConfigureAwait(false);
        var stopped = await RunAsync(binaries, account, "pg_ctl", ["stop", "-D", DataFolder, "-m", "fast", "-w", "-t", "60", "-s"], StartLimit, cancellationToken).ConfigureAwait(false);
        if (!stopped.Succeeded && ReadRunningPort() is not null)
        {
            throw new GroveException($"Grove's PostgreSQL server did not stop: {stopped.StandardError.Trim()}", $"stop it with 'pg_ctl stop -D {DataFolder}'");
        }
    }

    /// <summary>Where the server programs are and who runs them, found once per instance.</summary>
    private async Task<(string Binaries, ServerAccount Account)> ProgramsAsync(CancellationToken cancellationToken)
    {
        _programs ??= (
            await PostgresBinaries.FindAsync(cancellationToken).ConfigureAwait(false),
            await ServerAccount.DetectAsync(cancellationToken).ConfigureAwait(false));
        return _programs.Value;
    }

    private async Task InitialiseAsync(string binaries, ServerAccount account, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        progress?.Report($"initialising Grove's PostgreSQL server in {DataFolder}");
        OwnerOnly.CreateFolder(Folder);

        foreach (var stale in Directory.GetDirectories(Folder, "data.tmp-*"))
        {
            Directory.Delete(stale, recursive: true); // an initdb interrupted by a crash
        }

        var temporary = Path.Combine(Folder, $"data.tmp-{Environment.ProcessId}");
        await account.GiveAsync(Folder, cancellationToken).ConfigureAwait(false);
        var init = await RunAsync(binaries, account, "initdb",
        [
            "-D", temporary, "-U", User, $"--pwfile={PasswordPath}", "--auth=scram-sha-256",
            "--encoding=UTF8", "--no-locale", "--no-instructions",
        ], InitLimit, cancellationToken).ConfigureAwait(false);
        if (!init.Succeeded)
        {
            throw new GroveException($"initdb failed: {init.StandardError.Trim()}", "fix what initdb reports, then run the command again");
        }

        await File.AppendAllTextAsync(Path.Combine(temporary, "postgresql.conf"), "\n# Grove's settings (listen address, port)\ninclude_if_exists = 'grove.conf'\n", cancellationToken).ConfigureAwait(false);
        Directory.Move(temporary, DataFolder);
    }

    /// <summary>
    /// Writes <c>grove.conf</c> (and the TLS certificate when missing or due) before each start, so a
    /// server made by an older Grove gets every setting, TLS included, on its next start.
    /// </summary>
    private async Task WriteSettingsAsync(int port, ServerAccount account, CancellationToken cancellationToken)
    {
        ServerCertificate.Ensure(DataFolder, TimeProvider.System);
        var settings = string.Create(CultureInfo.InvariantCulture, $"""
            # Written by Grove before each start.
            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = ''
            max_connections = 200
            # TLS for apps written for hosted PostgreSQL (sslmode=require); plain connections are still accepted.
            ssl = on
            ssl_cert_file = '{ServerCertificate.CertificateFileName}'
            ssl_key_file = '{ServerCertificate.KeyFileName}'

            """);
        var path = Path.Combine(DataFolder, "grove.conf");
        await File.WriteAllTextAsync(path, settings, cancellationToken).ConfigureAwait(false);
        await account.GiveAsync(path, cancellationToken).ConfigureAwait(false);
        await account.GiveAsync(CertificatePath, cancellationToken).ConfigureAwait(false);
        await account.GiveAsync(Path.Combine(DataFolder, ServerCertificate.KeyFileName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the server runs now: <c>postmaster.pid</c> names a live process.</summary>
    public bool RunsNow()
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(DataFolder, "postmaster.pid"));
            return lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The port in <c>postmaster.pid</c> (its fourth line) when a server seems to run.</summary>
    private int? ReadRunningPort()
    {
        var pidFile = Path.Combine(DataFolder, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> RespondsAsync(int port, PostgresServer described, CancellationToken cancellationToken)
    {
        try
        {
            var server = PostgresServer.Local(port, new NpgsqlConnectionStringBuilder(described.Base).Password!, described.CertificatePath!);
            await using var connection = new NpgsqlConnection(server.Admin());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>A free loopback port the OS picks (outside worktree ranges), not leased to a worktree.</summary>
    private int LeasePort(int? avoid)
    {
        var leased = new LeaseStore(_state).ReadAll().Select(l => l.Port).ToHashSet();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (port != avoid && !leased.Contains(port))
            {
                _ownership.SetServerPort(PostgresServer.LocalKey, port);
                return port;
            }
        }

        throw new GroveException("could not find a free loopback port for Grove's PostgreSQL server", "free some ports, then try again");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<ProcessResult> RunAsync(string binaries, ServerAccount account, string program, IReadOnlyList<string> arguments, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var spec = account.Wrap(new ProcessSpec(Path.Combine(binaries, program), arguments)
        {
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C", ["PGDATA"] = null, ["PGPORT"] = null },
        });
        return await ProcessRunner.RunAsync(spec, timeout.Token).ConfigureAwait(false);
    }

    private string LastLogLines()
    {
        try
        {
            return string.Join(" | ", File.ReadLines(LogFile).TakeLast(3));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
