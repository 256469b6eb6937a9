using Grove.Configuration;

namespace Grove.Dependencies;

/// <summary>Formats a command for people to read (never run through a shell).</summary>
internal static class CommandLine
{
    public static string Format(CommandConfig command)
    {
        var text = string.Join(' ', new[] { command.Command }.Concat(command.Args).Select(Quote));
        return command.WorkingDirectory is "." or "" ? text : $"{text} (in {command.WorkingDirectory})";
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@+,".Contains(c, StringComparison.Ordinal))
            ? word
            : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
