namespace Grove.Configuration;

/// <summary>Every problem found in one config file, reported together.</summary>
public sealed class ConfigException(string path, IReadOnlyList<string> errors)
    : GroveException(Describe(path, errors), $"fix {path} and run the command again; nothing was applied")
{
    public string Path { get; } = path;

    public IReadOnlyList<string> Errors { get; } = errors;

    private static string Describe(string path, IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? $"{path}: {errors[0]}"
            : $"{path} has {errors.Count} errors:{string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"))}";
}
