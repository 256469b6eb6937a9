using Grove.Configuration;

namespace Grove.EnvFiles;

/// <summary>
/// Loads <c>app.envFiles</c> from the primary worktree (where a project keeps its ignored
/// <c>.env</c>; agents' worktrees have none): in the listed order, a later file winning. Every
/// value loaded counts as a secret. Errors name the <c>app.envFiles</c> entry and the line, never
/// a value.
/// </summary>
internal static class EnvFileLoader
{
    public static IReadOnlyList<KeyValuePair<string, string>> Load(AppConfig app, string? primaryPath)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (primaryPath is null)
        {
            return [];
        }

        var variables = new List<KeyValuePair<string, string>>();
        var files = app.EnvFiles ?? [AppConfig.DefaultEnvFile];
        for (var i = 0; i < files.Count; i++)
        {
            var key = app.EnvFiles is null ? "app.envFiles (default [\".env\"])" : $"app.envFiles[{i}]";
            var path = Path.GetFullPath(files[i], primaryPath);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                if (app.EnvFiles is null)
                {
                    continue; // the default applies only when the file is there
                }

                throw new GroveException(
                    $"{key}: {path} does not exist (env files are read from the primary worktree)",
                    $"create {files[i]} in {primaryPath}, or remove it from app.envFiles in {GroveConfig.FileName}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new GroveException($"{key}: {path} cannot be read: {ex.Message}", $"make {path} readable by this user");
            }

            var loaded = DotEnvParser.Parse(text, out var errors);
            if (errors.Count > 0)
            {
                throw new GroveException(
                    $"{key}: {path} is not a valid env file: {string.Join("; ", errors)}",
                    $"write each variable as KEY=VALUE (quote values with spaces or '#'), or remove the file from app.envFiles in {GroveConfig.FileName}");
            }

            variables.AddRange(loaded);
        }

        return variables;
    }
}
