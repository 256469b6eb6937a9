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

    /// <summary>
    /// Grove's own server. Apps connect with <c>SslMode=Prefer</c> (<c>sslmode=prefer</c> in
    /// <c>DATABASE_URL</c>): TLS when the server offers it (it does from its next start), plain
    /// otherwise, so a client written for hosted PostgreSQL and a plain one both connect.
    /// </summary>
    /// <param name="certificatePath">Its self-signed certificate, which Node.js apps are told to trust (<c>NODE_EXTRA_CA_CERTS</c>).</param>
    public static PostgresServer Local(int port, string password, string certificatePath) => new(
        LocalKey,
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = LocalPostgresServer.User,
            Password = password,
            SslMode = SslMode.Prefer,
        }.ConnectionString,
        "postgres")
    {
        CertificatePath = certificatePath,
    };

    /// <summary>Grove's own server's TLS certificate; null for a server of the user's own.</summary>
    public string? CertificatePath { get; init; }

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
    /// <remarks>Plain on Grove's own loopback server (no TLS handshake per connection); as given on a server of the user's own.</remarks>
    public string Admin(string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(Base)
        {
            Database = database ?? MaintenanceDatabase,
            Pooling = false,
            Timeout = 15,
            CommandTimeout = CommandLimitSeconds,
            ApplicationName = "grove",
        };
        if (Key == LocalKey)
        {
            builder.SslMode = SslMode.Disable;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The app's variables for <paramref name="database"/>: <c>ConnectionStrings__&lt;name&gt;</c>,
    /// <c>DATABASE_URL</c>, and for Grove's own server <c>NODE_EXTRA_CA_CERTS</c> (its certificate,
    /// so a Node.js client that verifies TLS, as node-postgres does for any <c>sslmode</c>, accepts it).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment(string name, string database) =>
    [
        new($"ConnectionStrings__{name}", App(database)),
        new("DATABASE_URL", Url(database)),
        .. CertificatePath is null ? [] : new KeyValuePair<string, string>[] { new("NODE_EXTRA_CA_CERTS", CertificatePath) },
    ];

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

    /// <summary><c>postgres://user:password@host:port/database[?sslmode=…]</c> for <c>DATABASE_URL</c> (the mode when the connection string sets one).</summary>
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

        // Npgsql writes only the keys that were set, under their canonical names.
        var set = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = Base };
        var sslMode = set.ContainsKey("SSL Mode") ? "?sslmode=" + UrlSslMode(builder.SslMode) : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"postgres://{credentials}{host}:{builder.Port}/{Uri.EscapeDataString(database)}{sslMode}");
    }

    /// <summary>libpq's spelling of an Npgsql SSL mode.</summary>
    private static string UrlSslMode(SslMode mode) => mode switch
    {
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };
}
