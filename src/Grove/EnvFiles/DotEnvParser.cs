using System.Text;

namespace Grove.EnvFiles;

/// <summary>
/// Reads dotenv text: <c>KEY=VALUE</c> lines, blank lines and <c>#</c> comments, an optional
/// <c>export </c> prefix, values bare (trimmed, a <c> #</c> starts a comment), in single quotes
/// (taken as written) or in double quotes (<c>\n</c>, <c>\t</c>, <c>\"</c>, <c>\\</c> escapes);
/// quoted values may span lines. No <c>${VAR}</c> expansion. A later line wins over an earlier
/// one. Errors name the line, never its value (a value may be a secret).
/// </summary>
internal static class DotEnvParser
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var variables = new List<KeyValuePair<string, string>>();
        var problems = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimStart();
            if (i == 0 && line.StartsWith('\uFEFF'))
            {
                line = line[1..];
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("export\t", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? line.Trim() : line[..equals].Trim();
            if (equals < 0 || !IsName(name))
            {
                problems.Add(equals < 0
                    ? $"line {number} is not KEY=VALUE"
                    : $"line {number}: the name before '=' must be letters, digits, '_', '.' or '-'");
                continue;
            }

            var rest = line[(equals + 1)..].TrimStart(' ', '\t');
            string? value;
            if (rest.Length > 0 && rest[0] is '"' or '\'')
            {
                var start = number;
                value = ReadQuoted(lines, ref i, rest);
                if (value is null)
                {
                    problems.Add($"line {start}: the value of {name} opens a {(rest[0] == '"' ? "double" : "single")} quote that is never closed");
                    continue;
                }
            }
            else
            {
                var comment = rest.IndexOf(" #", StringComparison.Ordinal) is var at and >= 0 ? at : rest.IndexOf("\t#", StringComparison.Ordinal);
                value = (comment >= 0 ? rest[..comment] : rest).TrimEnd();
            }

            variables.Add(new(name, value));
        }

        errors = problems;
        return variables;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>A quoted value starting at <paramref name="rest"/>, reading on to later lines until its quote closes; null when it never does.</summary>
    private static string? ReadQuoted(string[] lines, ref int index, string rest)
    {
        var quote = rest[0];
        var value = new StringBuilder();
        var text = rest[1..];
        while (true)
        {
            for (var j = 0; j < text.Length; j++)
            {
                var c = text[j];
                if (c == quote)
                {
                    return value.ToString(); // what follows the closing quote (a comment) is ignored
                }

                if (quote == '"' && c == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] switch
                    {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        var other => other,
                    });
                    continue;
                }

                value.Append(c);
            }

            if (++index >= lines.Length)
            {
                return null;
            }

            value.Append('\n');
            text = lines[index];
        }
    }
}
