using Grove.Configuration;
using Grove.Databases;
using Grove.Processes;
using Npgsql;

namespace Grove.Tests.Databases;

/// <summary>Grove's own PostgreSQL server serves TLS (apps written for hosted PostgreSQL require it) and plain connections alike.</summary>
public class LocalServerTlsTests
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(3));

    [Fact]
    public async Task EnsureBranch_LocalServer_RequireAndDisableClientsBothConnect()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (_, branch) = await db.BranchAsync("feature/tls");
        var environment = branch.Environment.ToDictionary(e => e.Key, e => e.Value);
        var app = branch.AppConnectionString();

        var required = await UsesTls(new NpgsqlConnectionStringBuilder(app) { SslMode = SslMode.Require }.ConnectionString);
        var plain = await UsesTls(new NpgsqlConnectionStringBuilder(app) { SslMode = SslMode.Disable }.ConnectionString);
        var unchanged = await UsesTls(app);
        var psqlRequire = await PsqlUsesTls(Path.Combine(await PostgresBinaries.FindAsync(Token), "psql"), environment["DATABASE_URL"].Replace("sslmode=prefer", "sslmode=require", StringComparison.Ordinal));
        var psqlAsGiven = await PsqlUsesTls(Path.Combine(await PostgresBinaries.FindAsync(Token), "psql"), environment["DATABASE_URL"]);

        Assert.True(required, "SslMode=Require did not get TLS");
        Assert.False(plain, "SslMode=Disable got TLS");
        Assert.True(unchanged, "the app's own connection string did not use TLS");
        Assert.Equal("t", psqlRequire);
        Assert.Equal("t", psqlAsGiven);
        Assert.EndsWith("?sslmode=prefer", environment["DATABASE_URL"], StringComparison.Ordinal);
        Assert.Equal(db.Manager.LocalServer.CertificatePath, environment["NODE_EXTRA_CA_CERTS"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(db.Manager.LocalServer.DataFolder, ServerCertificate.KeyFileName)));
        Assert.Contains("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(db.Manager.LocalServer.CertificatePath, Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureBranch_ServerMadeBeforeTls_ServesTlsFromItsNextStart()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (worktree, _) = await db.BranchAsync("feature/old");
        var server = db.Manager.LocalServer;
        await server.StopAsync(Token);
        var settings = Path.Combine(server.DataFolder, "grove.conf");
        await File.WriteAllLinesAsync(settings, (await File.ReadAllLinesAsync(settings, Token)).Where(l => !l.StartsWith("ssl", StringComparison.Ordinal)), Token);
        File.Delete(server.CertificatePath);
        File.Delete(Path.Combine(server.DataFolder, ServerCertificate.KeyFileName)); // the data folder as a Grove before TLS left it

        var again = await db.Manager.EnsureBranchAsync(worktree, db.Config, null, Token);

        Assert.True(await UsesTls(new NpgsqlConnectionStringBuilder(again.AppConnectionString()) { SslMode = SslMode.Require }.ConnectionString));
        Assert.Equal(2L, await Count(again.AppConnectionString()));
    }

    [Fact]
    public async Task EnsureBranch_ServerRunningSinceBeforeTls_ServesTlsWithoutARestart()
    {
        await using var db = DatabaseRepository.Create(DatabaseProvider.Postgres);
        var (worktree, _) = await db.BranchAsync("feature/running");
        var server = db.Manager.LocalServer;
        var settings = Path.Combine(server.DataFolder, "grove.conf");
        await File.WriteAllLinesAsync(settings, (await File.ReadAllLinesAsync(settings, Token)).Where(l => !l.StartsWith("ssl", StringComparison.Ordinal)), Token);
        File.Delete(server.CertificatePath);
        File.Delete(Path.Combine(server.DataFolder, ServerCertificate.KeyFileName));
        var account = await ServerAccount.DetectAsync(Token); // pg_ctl refuses to run as root
        var reload = await ProcessRunner.RunAsync(account.Wrap(new ProcessSpec(Path.Combine(await PostgresBinaries.FindAsync(Token), "pg_ctl"), ["reload", "-D", server.DataFolder, "-s"])), Token);
        Assert.True(reload.Succeeded, reload.StandardError);
        var require = new NpgsqlConnectionStringBuilder(db.Manager.Describe(worktree, db.Config).AppConnectionString()) { SslMode = SslMode.Require }.ConnectionString;
        var plainOnly = await Eventually(async () => await Record.ExceptionAsync(() => UsesTls(require)) is not null); // a reload takes effect shortly after pg_ctl returns
        var pid = await File.ReadAllLinesAsync(Path.Combine(server.DataFolder, "postmaster.pid"), Token);

        await using var next = new DatabaseManager(db.Repo.CommonGitDirectory); // a newer Grove, finding that server running
        var branch = await next.EnsureBranchAsync(worktree, db.Config, null, Token);
        var tls = await Eventually(async () => await Record.ExceptionAsync(() => UsesTls(require)) is null);

        Assert.True(plainOnly, "the server kept TLS after its settings lost it");
        Assert.True(tls, "the running server did not serve TLS after a newer Grove found it");
        Assert.True(await UsesTls(new NpgsqlConnectionStringBuilder(branch.AppConnectionString()) { SslMode = SslMode.Require }.ConnectionString));
        Assert.Equal(pid[0], (await File.ReadAllLinesAsync(Path.Combine(server.DataFolder, "postmaster.pid"), Token))[0]);
    }

    /// <summary>Whether <paramref name="condition"/> holds within 10 s.</summary>
    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100, Token);
        }

        return false;
    }

    private static async Task<bool> UsesTls(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();", connection);
        return (bool)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<long> Count(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM items;", connection);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    /// <summary>What psql says about its own connection's TLS ('t' or 'f'), connecting with <paramref name="url"/>.</summary>
    private static async Task<string> PsqlUsesTls(string psql, string url)
    {
        var result = await ProcessRunner.RunAsync(new ProcessSpec(psql, [url, "-tAc", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();"]), Token);
        Assert.True(result.Succeeded, $"psql failed: {result.StandardError}");
        return result.StandardOutput.Trim();
    }
}
