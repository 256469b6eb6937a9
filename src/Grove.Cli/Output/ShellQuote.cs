namespace Grove.Cli.Output;

/// <summary>POSIX shell quoting: the value comes back exactly, whatever it holds.</summary>
internal static class ShellQuote
{
    public static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
