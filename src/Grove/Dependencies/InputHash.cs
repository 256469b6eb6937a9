using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Grove.Dependencies;

/// <summary>
/// Hashes what an install's result depends on. <see cref="Key"/> (the reuse key) adds the package
/// manager's version and the platform to <see cref="Fingerprint"/> (the step and its input files),
/// which is cheap enough for a watcher to compute on every file change.
/// </summary>
internal static class InputHash
{
    private const string Version = "grove-deps-1";

    /// <summary>The platform part of the key: a tree installed for another OS, CPU or C library is not reused.</summary>
    public static string Platform { get; } =
        $"{RuntimeInformation.RuntimeIdentifier}/{RuntimeInformation.OSArchitecture}/{(File.Exists("/etc/alpine-release") ? "musl" : "gnu")}";

    public static string Fingerprint(string worktreePath, InstallStep step)
    {
        var text = new StringBuilder();
        Describe(text, worktreePath, step);
        return Hex(text);
    }

    public static string Key(string worktreePath, InstallStep step, IReadOnlyList<string> toolVersions)
    {
        var text = new StringBuilder();
        text.Append("platform\0").Append(Platform).Append('\0');
        foreach (var version in toolVersions)
        {
            text.Append("tool\0").Append(version).Append('\0');
        }

        Describe(text, worktreePath, step);
        return Hex(text);
    }

    /// <summary>One hash over several steps' fingerprints, in order.</summary>
    public static string Combine(IEnumerable<string> parts)
    {
        var text = new StringBuilder(Version);
        foreach (var part in parts)
        {
            text.Append('\0').Append(part);
        }

        return Hex(text);
    }

    private static void Describe(StringBuilder text, string worktreePath, InstallStep step)
    {
        text.Append(Version).Append('\0').Append(step.Id).Append('\0').Append(step.Folder).Append('\0');
        foreach (var command in step.Commands)
        {
            text.Append("command\0").Append(command.Command).Append('\0').Append(command.WorkingDirectory).Append('\0');
            foreach (var argument in command.Args)
            {
                text.Append(argument).Append('\0');
            }
        }

        foreach (var input in step.Inputs)
        {
            var path = Path.Combine(worktreePath, input);
            text.Append("input\0").Append(input).Append('\0');
            text.Append(File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "missing").Append('\0');
        }
    }

    private static string Hex(StringBuilder text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
}
