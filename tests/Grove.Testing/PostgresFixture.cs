using Grove.Databases;
using Grove.State;
using Npgsql;

namespace Grove.Testing;

/// <summary>
/// A real PostgreSQL server for a test collection, started from the local binaries with Grove's
/// own server code (so as root it runs as the unprivileged 'postgres' or 'nobody' account) in a
/// temp folder. A machine without PostgreSQL fails the tests with the package to install.
/// </summary>
public sealed class PostgresFixture : Xunit.IAsyncLifetime
{
    private readonly TempFolder _folder = new("grove-pg");
    private LocalPostgresServer? _server;

    /// <summary>A connection string to the server (the given-server form of database.connectionString).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    internal PostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = new LocalPostgresServer(new StateStore(_folder.Path));
        try
        {
            (Server, _) = await _server.EnsureRunningAsync(null, Bounded.Token(TimeSpan.FromMinutes(3)));
        }
        catch (GroveException ex)
        {
            throw new InvalidOperationException($"the tests need a PostgreSQL server: {ex.Message}; fix: {ex.Fix}", ex);
        }

        ConnectionString = Server.Base;
    }

    /// <summary>Stops the server (a crash-like immediate stop is not needed: Grove only sees connection errors).</summary>
    public Task StopAsync() => _server!.StopAsync(Bounded.Token(TimeSpan.FromMinutes(2)));

    public async Task<NpgsqlConnection> OpenAsync(string? database = null)
    {
        var connection = new NpgsqlConnection(Server.Admin(database));
        await connection.OpenAsync(Bounded.Token(Bounded.Process));
        return connection;
    }

    public async Task<T?> ScalarAsync<T>(string? database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(Bounded.Token(Bounded.Process));
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(string? database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Bounded.Token(Bounded.Process));
    }

    /// <summary>The names of all databases on the server whose name starts with <paramref name="prefix"/>.</summary>
    public async Task<List<string>> DatabasesAsync(string prefix)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        await using var reader = await command.ExecuteReaderAsync(Bounded.Token(Bounded.Process));
        var names = new List<string>();
        while (await reader.ReadAsync(Bounded.Token(Bounded.Process)))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            try
            {
                await StopAsync();
            }
            catch (GroveException)
            {
                // Already stopped by a test.
            }
        }

        _folder.Dispose();
    }
}
