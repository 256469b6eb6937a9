using System.Net.Sockets;
using Npgsql;

namespace Grove.Databases;

/// <summary>Turns PostgreSQL failures a user can act on into <see cref="GroveException"/>s that name the fix.</summary>
internal static class PostgresErrors
{
    public const string ObjectInUse = "55006";
    public const string DuplicateDatabase = "42P04";
    public const string InvalidCatalogName = "3D000";

    public static Exception Translate(NpgsqlException ex, PostgresServer server) => ex switch
    {
        PostgresException { SqlState: "28P01" } => new GroveException(
            $"PostgreSQL at {server.Key} refused Grove's password",
            server.Key == PostgresServer.LocalKey
                ? "the password file in the state folder no longer matches the server; move the state folder's postgres folder aside to start a fresh server"
                : "fix the user and password in database.connectionString",
            ex),
        PostgresException { SqlState: ObjectInUse } pg => new GroveException(
            $"PostgreSQL at {server.Key}: {pg.MessageText}",
            "close the other sessions on that database (psql, pgAdmin, an app started by hand) and run the command again; nothing was changed under a worktree's name",
            ex),
        PostgresException pg => new GroveException($"PostgreSQL at {server.Key}: {pg.MessageText} ({pg.SqlState})", null, ex),
        _ when ex.InnerException is SocketException or TimeoutException || ex.IsTransient => new GroveException(
            $"cannot reach the PostgreSQL server at {server.Key}: {ex.Message}",
            server.Key == PostgresServer.LocalKey
                ? "run the command again: Grove starts its own server when it is down"
                : "start that server, or fix host and port in database.connectionString",
            ex),
        _ => new GroveException($"PostgreSQL at {server.Key}: {ex.Message}", null, ex),
    };
}
