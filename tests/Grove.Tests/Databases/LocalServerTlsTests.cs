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
