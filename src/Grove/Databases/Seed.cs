using System.Security.Cryptography;
using System.Text;
using Grove.Configuration;
using Grove.Processes;

namespace Grove.Databases;

/// <summary>
/// What builds a template: <c>database.seed</c> (a SQL file) or <c>database.seedCommand</c> (run
/// with the template's connection in its environment), read from <see cref="Root"/> (the primary
/// worktree). Its <see cref="Hash"/> says when the template must be rebuilt: the SQL file's
/// content, or the command line (a migration tool's own inputs are not known to Grove:
/// <c>grove db template --rebuild</c> forces a rebuild).
/// </summary>
internal sealed record Seed(DatabaseConfig Config, string Root)
{
    /// <summary>How long a seed command may run.</summary>
    public static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(30);

    public string? SqlPath => Config.Seed is null ? null : Path.GetFullPath(Config.Seed, Root);

    public string Describe() => Config.Seed is not null ? Config.Seed
        : Config.SeedCommand is { } c ? string.Join(' ', [c.Command, .. c.Args])
        : "no seed (an empty database)";

    public string Hash()
    {
        var text = new StringBuilder();
        if (SqlPath is { } path)
        {
            text.Append("sql\0").Append(Convert.ToHexStringLower(SHA256.HashData(ReadSql(path))));
        }
        else if (Config.SeedCommand is { } command)
        {
            text.Append("command\0").Append(command.Command).Append('\0').AppendJoin('\0', command.Args).Append('\0').Append(command.WorkingDirectory);
        }
        else
        {
            text.Append("empty");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    public string ReadSqlText() => SqlPath is { } path ? Encoding.UTF8.GetString(ReadSql(path)) : string.Empty;

    /// <summary>Runs the seed command with <paramref name="environment"/> (the template's connection) added.</summary>
    public async Task RunCommandAsync(IReadOnlyList<KeyValuePair<string, string>> environment, CancellationToken cancellationToken)
    {
        var command = Config.SeedCommand ?? throw new InvalidOperationException("no seed command");
        var spec = new ProcessSpec(command.Command, command.Args, Path.GetFullPath(command.WorkingDirectory, Root))
        {
            Environment = environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandLimit);
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(spec, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GroveException($"the seed command '{Describe()}' ran longer than {CommandLimit.TotalMinutes:0} minutes and was stopped", "make it faster, or build the template by hand");
        }

        if (!result.Succeeded)
        {
            var output = (result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput).Trim();
            throw new GroveException(
                $"the seed command '{Describe()}' exited {result.ExitCode}: {Tail(output)}",
                "fix database.seedCommand (it gets ConnectionStrings__<name> and DATABASE_URL for the template), then run 'grove db template --rebuild'");
        }
    }

    private static byte[] ReadSql(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GroveException($"cannot read database.seed '{path}': {ex.Message}", "fix the seed path in grove.json (it is relative to the primary worktree)", ex);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
