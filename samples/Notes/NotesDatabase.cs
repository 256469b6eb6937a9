using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Notes;

/// <summary>
/// The notes table, in SQLite or PostgreSQL, chosen by the connection Grove gives the app
/// (<c>ConnectionStrings__app</c> or <c>DATABASE_URL</c>). Without one, a SQLite file beside the
/// built app (its git-ignored output folder), so each worktree and each clone has its own.
/// </summary>
public sealed class NotesDatabase
{
    private readonly Func<DbConnection> _connect;

    public NotesDatabase(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = configuration.GetConnectionString("app");
        var url = configuration["DATABASE_URL"];
        if (connection is null && url is not null && url.StartsWith("postgres", StringComparison.Ordinal))
        {
            connection = FromUrl(new Uri(url));
        }

        if (connection is not null && (connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.Contains("Server=", StringComparison.OrdinalIgnoreCase)))
        {
            Provider = "postgres";
            _connect = () => new NpgsqlConnection(connection);
        }
        else
        {
            Provider = "sqlite";
            connection ??= $"Data Source={Path.Combine(AppContext.BaseDirectory, $"notes-{configuration["GROVE_SLUG"] ?? "local"}.db")}";
            _connect = () => new SqliteConnection(connection);
        }
    }

    public string Provider { get; }

    /// <summary>Creates the table and starter rows when the database is empty.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var exists = connection.CreateCommand();
        exists.CommandText = Provider == "postgres"
            ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'notes'"
            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'notes'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        await using var seed = connection.CreateCommand();
        seed.CommandText = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "db", $"seed.{Provider}.sql"), cancellationToken);
        await seed.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Note>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, text FROM notes ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var notes = new List<Note>();
        while (await reader.ReadAsync(cancellationToken))
        {
            notes.Add(new Note(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1)));
        }

        return notes;
    }

    public async Task<Note> AddAsync(string text, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO notes (text) VALUES (@text) RETURNING id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@text";
        parameter.Value = text;
        command.Parameters.Add(parameter);
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new Note(id, text);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connect();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static string FromUrl(Uri url)
    {
        var user = url.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort ? 5432 : url.Port,
            Database = url.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(user[0]),
        };
        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        return builder.ConnectionString;
    }
}

public sealed record Note(long Id, string Text);
