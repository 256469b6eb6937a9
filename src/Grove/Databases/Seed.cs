using System.Security.Cryptography;
using System.Text;
using Grove.Configuration;
using Grove.Processes;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Grove.Databases;

/// <summary>
/// What builds a template: <c>database.seed</c> (a SQL file) or <c>database.seedCommand</c> (run
/// with the template's connection in its environment), read from <see cref="Root"/> (the primary
/// worktree). Its <see cref="Hash"/> says when the template must be rebuilt: the SQL file's
/// content, or the command line and the content of the files <c>database.seedInputs</c> matches
/// (other inputs of a migration tool are not known to Grove: <c>grove db template --rebuild</c>
/// forces a rebuild).
/// </summary>
internal sealed record Seed(DatabaseConfig Config, string Root)
{
    /// <summary>
    /// Runs before the seed command (not before a SQL file): installs the primary worktree's
    /// dependencies, so a command such as <c>npm run migrate</c> finds its tools on a fresh clone.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeCommand { get; init; }

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
            foreach (var input in Inputs())
            {
                text.Append("\0input\0").Append(input).Append('\0').Append(Convert.ToHexStringLower(SHA256.HashData(ReadInput(Path.Combine(Root, input)))));
            }
        }
        else
        {
            text.Append("empty");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>The files <c>database.seedInputs</c> names, relative to <see cref="Root"/>, in ordinal order (never under <c>.git</c>).</summary>
    public IReadOnlyList<string> Inputs()
    {
        if (Config.SeedInputs.Count == 0 || Config.SeedCommand is null)
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(Config.SeedInputs);
        matcher.AddExclude(".git/**");
        return [.. matcher.GetResultsInFullPath(Root).Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/')).Order(StringComparer.Ordinal)];
    }

    public string ReadSqlText() => SqlPath is { } path ? Encoding.UTF8.GetString(ReadSql(path)) : string.Empty;

    /// <summary>Runs the seed command with <paramref name="environment"/> (the template's connection) added.</summary>
    public async Task RunCommandAsync(IReadOnlyList<KeyValuePair<string, string>> environment, CancellationToken cancellationToken)
    {
        var command = Config.SeedCommand ?? throw new InvalidOperationException("no seed command");
        if (BeforeCommand is not null)
        {
            await BeforeCommand(cancellationToken).ConfigureAwait(false);
        }

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

    private static byte[] ReadInput(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GroveException($"cannot read '{path}' (matched by database.seedInputs): {ex.Message}", "make it readable, or narrow database.seedInputs in grove.json", ex);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
