using System.CommandLine;
using System.CommandLine.Parsing;

namespace Grove.Cli;

/// <summary>
/// A command line grove cannot parse (an unknown command, option or missing argument): one
/// error on standard error in Grove's own form, with a <c>fix:</c> line naming the nearest
/// command when there is one, and exit code 1. The help is not dumped on standard output.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The error text for a parse that failed (its errors are not empty).</summary>
    public static string Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        var help = $"'{path} --help'";
        var unknown = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        if (unknown is not null && !unknown.StartsWith('-') && command.Subcommands.Count > 0)
        {
            var message = $"unknown command '{unknown}'";
            var fix = Nearest(command, unknown) is { } near
                ? $"did you mean '{path} {near}'? ({help} lists every command)"
                : $"run {help} to see the commands";
            return CommandAction.Describe(new GroveException(message, fix));
        }

        if (unknown is not null && unknown.StartsWith('-') && parse.Errors.Count == 1)
        {
            return CommandAction.Describe(new GroveException($"unknown option '{unknown}'", $"run {help} for its usage"));
        }

        if (parse.Tokens.Count == 0 || (command.Subcommands.Count > 0 && parse.UnmatchedTokens.Count == 0 && command.Action is null))
        {
            return CommandAction.Describe(new GroveException($"'{path}' needs a command", $"run {help} to see the commands"));
        }

        var errors = string.Join("; ", parse.Errors.Select(e => NotANumber(e) ?? e.Message.TrimEnd('.')).Distinct(StringComparer.Ordinal));
        return CommandAction.Describe(new GroveException(errors, $"run {help} for its usage"));
    }

    /// <summary>The subcommand (name or alias) nearest to what was typed, when one is close enough to be meant.</summary>
    public static string? Nearest(Command command, string typed)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(typed);
        var best = command.Subcommands
            .Where(c => !c.Hidden)
            .SelectMany(c => c.Aliases.Prepend(c.Name).Select(name => (Command: c.Name, Distance: Distance(typed.ToLowerInvariant(), name))))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Command, StringComparer.Ordinal)
            .FirstOrDefault();
        var allowed = Math.Max(1, typed.Length / 3);
        return best.Command is not null && best.Distance <= allowed ? best.Command : null;
    }

    /// <summary>
    /// For a number option given something else ('--port x'): what it needs, in place of the
    /// parser's own text, which names a .NET type ("as expected type 'System.Int32'").
    /// </summary>
    private static string? NotANumber(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        var type = Nullable.GetUnderlyingType(option?.Option.ValueType ?? typeof(object)) ?? option?.Option.ValueType;
        var kind = type == typeof(int) || type == typeof(long) ? "a whole number" : type == typeof(double) ? "a number" : null;
        if (option is null || kind is null || option.Tokens.Count == 0)
        {
            return null;
        }

        return $"{option.Option.Name} needs {kind}, not '{option.Tokens[0].Value}'";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Parent is null ? "grove" : c.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>Edit distance (insert, delete, substitute, swap of neighbours).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
