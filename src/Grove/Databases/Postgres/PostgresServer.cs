using System.Globalization;
using Npgsql;

namespace Grove.Databases;

/// <summary>
/// A PostgreSQL server Grove branches in: its own local one, or the one in
/// <c>database.connectionString</c>. Knows how to connect (as Grove, and as an app) to any database on it.
/// </summary>
/// <param name="Key">Its identity in the state store: <c>local</c>, or <c>host:port</c> for a given server.</param>
/// <param name="Base">Host, port, user and password; the database is set per use.</param>
/// <param name="MaintenanceDatabase">The database Grove connects to for CREATE/DROP DATABASE.</param>
internal sealed record PostgresServer(string Key, string Base, string MaintenanceDatabase)
{
    public const string LocalKey = "local";

    public static PostgresServer Local(int port, string password) => new(
        LocalKey,
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = LocalPostgresServer.User,
            Password = password,
        }.ConnectionString,
        "postgres");

    /// <summary>The server in <c>database.connectionString</c>; its database (default <c>postgres</c>) is the maintenance database.</summary>
    public static PostgresServer Given(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new GroveException($"database.connectionString is not a valid PostgreSQL connection string: {ex.Message}", "use the Npgsql form: Host=...;Port=5432;Username=...;Password=...", ex);
        }

        var maintenance = string.IsNullOrEmpty(builder.Database) ? "postgres" : builder.Database;
        builder.Database = null;
        var key = string.Create(CultureInfo.InvariantCulture, $"{builder.Host ?? "localhost"}:{builder.Port}");
        return new PostgresServer(key, builder.ConnectionString, maintenance);
    }

    /// <summary>How long one of Grove's statements may run (a seed file, or a copy of a large template).</summary>
    public const int CommandLimitSeconds = 30 * 60;

    /// <summary>How Grove connects: no pooling (an idle pooled connection would keep a template busy), bounded timeouts.</summary>
    public string Admin(string? database = null) => new NpgsqlConnectionStringBuilder(Base)
    {
        Database = database ?? MaintenanceDatabase,
        Pooling = false,
        Timeout = 15,
        CommandTimeout = CommandLimitSeconds,
        ApplicationName = "grove",
    }.ConnectionString;

    /// <summary>How an app connects to <paramref name="database"/> (with the password: it goes only into the app's environment).</summary>
    public string App(string database) => new NpgsqlConnectionStringBuilder(Base) { Database = database }.ConnectionString;

    /// <summary>The app's connection string without the password: safe to print.</summary>
    public string Display(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(Base) { Database = database };
        builder.Remove("Password");
        return builder.ConnectionString;
    }

    /// <summary>Never the connection string: it holds the password.</summary>
    public override string ToString() => $"PostgreSQL server {Key}";

    /// <summary><c>postgres://user:password@host:port/database</c> for <c>DATABASE_URL</c>.</summary>
    public string Url(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(Base);
        var user = Uri.EscapeDataString(builder.Username ?? string.Empty);
        var password = string.IsNullOrEmpty(builder.Password) ? string.Empty : ":" + Uri.EscapeDataString(builder.Password);
        var credentials = user.Length == 0 ? string.Empty : $"{user}{password}@";
        var host = builder.Host ?? "localhost";
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return string.Create(CultureInfo.InvariantCulture, $"postgres://{credentials}{host}:{builder.Port}/{Uri.EscapeDataString(database)}");
    }
}
