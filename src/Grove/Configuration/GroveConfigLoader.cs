using System.Text.Json;
using Grove.Ports;

namespace Grove.Configuration;

/// <summary>
/// Reads and validates <c>grove.json</c>: the one place every part of Grove reads it through.
/// Every error is reported at once, naming its key; a config with any error is rejected whole,
/// never half-applied. Each file is parsed again only when it changed (its time or size): the
/// supervisor reads every worktree's file every 2 s. Long-running readers keep the last good
/// repository config themselves (<c>WorktreeCatalog</c>), and report the error meanwhile.
/// </summary>
public static class GroveConfigLoader
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParsedFile> Reads = new(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The config of the worktree at <paramref name="worktreePath"/>; defaults when it has no grove.json.</summary>
    public static GroveConfig LoadFromWorktree(string worktreePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        var path = Path.Combine(worktreePath, GroveConfig.FileName);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            Reads.TryRemove(path, out _);
            return GroveConfig.Default;
        }

        var stamp = (file.LastWriteTimeUtc.Ticks, file.Length);
        if (Reads.TryGetValue(path, out var parsed) && parsed.Stamp == stamp)
        {
            return parsed.Config ?? throw parsed.Error!;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return GroveConfig.Default;
        }

        try
        {
            var config = Parse(text, path);
            Reads[path] = new ParsedFile(stamp, config, null);
            return config;
        }
        catch (ConfigException ex)
        {
            Reads[path] = new ParsedFile(stamp, null, ex);
            throw;
        }
    }

    /// <summary>
    /// The parser's message without its own position suffix (<c>LineNumber: 6 | BytePositionInLine: 4.</c>,
    /// counted from 0), which would contradict the line and position said before it (counted from 1).
    /// </summary>
    private static string WithoutPosition(string message)
    {
        var at = message.LastIndexOf(" LineNumber: ", StringComparison.Ordinal);
        return at < 0 ? message : message[..at].TrimEnd();
    }

    private sealed record ParsedFile((long Ticks, long Length) Stamp, GroveConfig? Config, ConfigException? Error);

    public static GroveConfig Parse(string json, string source = GroveConfig.FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigException(source, [$"is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {WithoutPosition(ex.Message)}"]);
        }

        using (document)
        {
            var reader = new ConfigReader();
            var config = Read(document.RootElement, reader);
            if (reader.Errors.Count > 0 || config is null)
            {
                throw new ConfigException(source, reader.Errors);
            }

            return config;
        }
    }

    private static GroveConfig? Read(JsonElement root, ConfigReader reader)
    {
        var top = reader.Object(root, string.Empty, "$schema", "app", "install", "database", "ports", "gateway", "github");
        if (top is null)
        {
            return null;
        }

        var app = top.TryGetValue("app", out var appElement) && appElement.ValueKind != JsonValueKind.Null
            ? ReadApp(appElement, reader)
            : null;
        var install = top.TryGetValue("install", out var installElement) && installElement.ValueKind != JsonValueKind.Null
            ? ReadInstall(installElement, reader)
            : null;
        var database = top.TryGetValue("database", out var databaseElement) && databaseElement.ValueKind != JsonValueKind.Null
            ? ReadDatabase(databaseElement, reader)
            : null;
        var ports = top.TryGetValue("ports", out var portsElement) ? ReadPorts(portsElement, reader) : new PortRange();
        var (gatewayPort, gatewayHosts) = top.TryGetValue("gateway", out var gatewayElement) ? ReadGateway(gatewayElement, reader) : (GroveConfig.DefaultGatewayPort, []);
        var github = top.TryGetValue("github", out var githubElement) && githubElement.ValueKind != JsonValueKind.Null ? ReadGitHub(githubElement, reader) : new GitHubConfig();
        if (ports is not null && ports.Contains(gatewayPort))
        {
            reader.Error("gateway.port", $"{gatewayPort} lies inside the worktree port range {ports.Base}-{ports.Last}; pick a port outside it");
        }

        return ports is null ? null : new GroveConfig
        {
            App = app,
            Install = install,
            Database = database,
            Ports = ports,
            GatewayPort = gatewayPort,
            GatewayHosts = gatewayHosts,
            GitHub = github,
        };
    }

    private static AppConfig? ReadApp(JsonElement element, ConfigReader reader)
    {
        var properties = reader.Object(element, "app", "command", "args", "workingDirectory", "healthPath", "env", "envFiles");
        if (properties is null)
        {
            return null;
        }

        var run = ReadCommand(properties, "app", reader);
        var healthPath = reader.String(properties, "healthPath", "app.healthPath") ?? "/health";
        if (!healthPath.StartsWith('/'))
        {
            reader.Error("app.healthPath", $"must start with '/', not \"{healthPath}\"");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (properties.TryGetValue("env", out var envElement) && envElement.ValueKind != JsonValueKind.Null)
        {
            var variables = reader.Object(envElement, "app.env", [.. envElement.ValueKind == JsonValueKind.Object ? envElement.EnumerateObject().Select(p => p.Name) : []]);
            foreach (var (name, value) in variables ?? [])
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    reader.Error($"app.env.{name}", $"must be a string, not {ConfigReader.Describe(value)}");
                }
                else if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                {
                    reader.Error($"app.env.{name}", "is not a valid environment variable name");
                }
                else
                {
                    env[name] = value.GetString()!;
                }
            }
        }

        return run is null ? null : new AppConfig(run, healthPath, env) { EnvFiles = ReadEnvFiles(properties, reader) };
    }

    /// <summary><c>app.envFiles</c>: dotenv files in the primary worktree; absent or null means the default.</summary>
    private static List<string>? ReadEnvFiles(Dictionary<string, JsonElement> properties, ConfigReader reader)
    {
        if (!properties.TryGetValue("envFiles", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            reader.Error("app.envFiles", $"must be an array of file paths such as [\".env\"], not {ConfigReader.Describe(element)}");
            return null;
        }

        var files = new List<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var key = $"app.envFiles[{index++}]";
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } file || string.IsNullOrWhiteSpace(file))
            {
                reader.Error(key, $"must be a file path relative to the primary worktree, such as \".env\", not {ConfigReader.Describe(item)}");
                continue;
            }

            if (file.EndsWith('/') || file.EndsWith('\\'))
            {
                reader.Error(key, $"must name a file, not the folder \"{file}\"");
                continue;
            }

            CheckRelativePath(file, key, reader);
            files.Add(file);
        }

        return files;
    }

    private static List<CommandConfig>? ReadInstall(JsonElement element, ConfigReader reader)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            reader.Error("install", $"must be an array of commands, not {ConfigReader.Describe(element)}");
            return null;
        }

        var steps = new List<CommandConfig>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var key = $"install[{index++}]";
            var properties = reader.Object(item, key, "command", "args", "workingDirectory");
            var step = properties is null ? null : ReadCommand(properties, key, reader);
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    private static DatabaseConfig? ReadDatabase(JsonElement element, ConfigReader reader)
    {
        var properties = reader.Object(element, "database", "provider", "name", "seed", "seedCommand", "seedInputs", "connectionString", "spares");
        if (properties is null)
        {
            return null;
        }

        var providerText = reader.String(properties, "provider", "database.provider") ?? "sqlite";
        DatabaseProvider? provider = providerText switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" => DatabaseProvider.Postgres,
            _ => null,
        };
        if (provider is null)
        {
            reader.Error("database.provider", $"must be \"sqlite\" or \"postgres\", not \"{providerText}\"");
        }

        var name = reader.String(properties, "name", "database.name") ?? "app";
        if (name.Length is 0 or > 40 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            reader.Error("database.name", $"must be 1 to 40 letters, digits or '_', not \"{name}\"");
        }

        var seed = reader.String(properties, "seed", "database.seed");
        if (seed is not null)
        {
            CheckRelativePath(seed, "database.seed", reader);
        }

        CommandConfig? seedCommand = null;
        if (properties.TryGetValue("seedCommand", out var seedElement) && seedElement.ValueKind != JsonValueKind.Null)
        {
            var seedProperties = reader.Object(seedElement, "database.seedCommand", "command", "args", "workingDirectory");
            seedCommand = seedProperties is null ? null : ReadCommand(seedProperties, "database.seedCommand", reader);
        }

        if (seed is not null && seedCommand is not null)
        {
            reader.Error("database", "set either seed or seedCommand, not both");
        }

        var connectionString = reader.String(properties, "connectionString", "database.connectionString");
        if (connectionString is not null && provider == DatabaseProvider.Sqlite)
        {
            reader.Error("database.connectionString", "applies to provider \"postgres\" only; SQLite files are kept by Grove");
        }

        var spares = ReadSpares(properties, provider, reader);
        var seedInputs = reader.Strings(properties, "seedInputs", "database.seedInputs");
        for (var i = 0; i < seedInputs.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(seedInputs[i]))
            {
                reader.Error($"database.seedInputs[{i}]", "must be a glob such as \"db/migrations/**\", not an empty string");
            }
            else
            {
                CheckRelativePath(seedInputs[i], $"database.seedInputs[{i}]", reader);
            }
        }

        if (seedInputs.Count > 0 && seedCommand is null)
        {
            reader.Error("database.seedInputs", "applies to seedCommand only (a seed file is hashed itself); remove it, or set seedCommand");
        }

        return provider is null ? null : new DatabaseConfig(provider.Value, name, seed, seedCommand, connectionString, spares) { SeedInputs = seedInputs };
    }

    /// <summary><c>database.spares</c>: how many ready-made branches of the template Grove keeps (PostgreSQL).</summary>
    private static int ReadSpares(Dictionary<string, JsonElement> properties, DatabaseProvider? provider, ConfigReader reader)
    {
        if (!properties.TryGetValue("spares", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return DatabaseConfig.DefaultSpares;
        }

        if (provider == DatabaseProvider.Sqlite && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var none) && none == 0))
        {
            reader.Error("database.spares", "applies to provider \"postgres\" only (a SQLite branch is a file copy); remove it, or set 0");
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var spares) || spares is < 0 or > DatabaseConfig.MaxSpares)
        {
            reader.Error("database.spares", $"must be a whole number from 0 to {DatabaseConfig.MaxSpares}, not {ConfigReader.Describe(value)}; set how many ready-made branches of the template to keep (each takes one template's size on disk; 0 turns them off)");
            return 0;
        }

        return spares;
    }

    private static PortRange? ReadPorts(JsonElement element, ConfigReader reader)
    {
        var properties = reader.Object(element, "ports", "base", "range");
        if (properties is null)
        {
            return null;
        }

        var @base = reader.Integer(properties, "base", "ports.base", 1024, 65534) ?? PortRange.DefaultBase;
        var size = reader.Integer(properties, "range", "ports.range", 2, 64512) ?? PortRange.DefaultSize;
        if (@base + size - 1 > 65535)
        {
            reader.Error("ports", $"base {@base} + range {size} runs past port 65535; lower ports.base or ports.range");
            return null;
        }

        return new PortRange(@base, size);
    }

    private static (int Port, IReadOnlyList<string> Hosts) ReadGateway(JsonElement element, ConfigReader reader)
    {
        var properties = reader.Object(element, "gateway", "port", "hosts");
        if (properties is null)
        {
            return (GroveConfig.DefaultGatewayPort, []);
        }

        var port = reader.Integer(properties, "port", "gateway.port", 1, 65535) ?? GroveConfig.DefaultGatewayPort;
        var hosts = reader.Strings(properties, "hosts", "gateway.hosts");
        for (var i = 0; i < hosts.Count; i++)
        {
            var labels = hosts[i].Split('.');
            if (hosts[i].Length is 0 or > 253 || labels.Any(l => l.Length is 0 or > 63 || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || l[0] == '-' || l[^1] == '-'))
            {
                reader.Error($"gateway.hosts[{i}]", $"must be a host name such as \"grove.test\", not \"{hosts[i]}\"");
            }
        }

        return (port, hosts);
    }

    private static GitHubConfig ReadGitHub(JsonElement element, ConfigReader reader)
    {
        var properties = reader.Object(element, "github", "repository", "apiUrl", "pruneMerged", "pollSeconds");
        if (properties is null)
        {
            return new GitHubConfig();
        }

        var repository = reader.String(properties, "repository", "github.repository");
        if (repository is not null && !GitHub.GitHubRemote.IsOwnerAndName(repository))
        {
            reader.Error("github.repository", $"must be \"owner/name\", not \"{repository}\"");
        }

        var apiUrl = reader.String(properties, "apiUrl", "github.apiUrl");
        if (apiUrl is not null && (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(api.Query) || !string.IsNullOrEmpty(api.UserInfo)))
        {
            reader.Error("github.apiUrl", $"must be an http(s) address such as \"https://api.github.com\" or \"https://github.example.com/api/v3\", not \"{apiUrl}\"");
        }

        var prune = false;
        if (properties.TryGetValue("pruneMerged", out var pruneElement) && pruneElement.ValueKind != JsonValueKind.Null)
        {
            if (pruneElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                prune = pruneElement.GetBoolean();
            }
            else
            {
                reader.Error("github.pruneMerged", $"must be true or false, not {ConfigReader.Describe(pruneElement)}");
            }
        }

        var poll = reader.Integer(properties, "pollSeconds", "github.pollSeconds", GitHubConfig.MinPollSeconds, 86400) ?? GitHubConfig.DefaultPollSeconds;
        return new GitHubConfig(repository, apiUrl, prune, poll);
    }

    private static CommandConfig? ReadCommand(Dictionary<string, JsonElement> properties, string key, ConfigReader reader)
    {
        var command = reader.String(properties, "command", $"{key}.command", required: true);
        var args = reader.Strings(properties, "args", $"{key}.args");
        var workingDirectory = reader.String(properties, "workingDirectory", $"{key}.workingDirectory") ?? ".";
        CheckRelativePath(workingDirectory, $"{key}.workingDirectory", reader);
        return command is null ? null : new CommandConfig(command, args, workingDirectory);
    }

    private static void CheckRelativePath(string path, string key, ConfigReader reader)
    {
        var segments = path.Replace('\\', '/').Split('/');
        if (Path.IsPathRooted(path) || segments.Contains(".."))
        {
            reader.Error(key, $"must be a path inside the worktree, not \"{path}\"");
        }
    }
}
