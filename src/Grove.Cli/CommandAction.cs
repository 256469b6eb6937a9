using System.CommandLine;

namespace Grove.Cli;

/// <summary>Runs a command's body and turns every expected failure into a clear message and exit code.</summary>
internal static class CommandAction
{
    public const int Failed = 1;

    public static void Set(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var context = await CliContext.CreateAsync(parse, cancellationToken).ConfigureAwait(false);
                return await body(parse, context, cancellationToken).ConfigureAwait(false);
            }
            catch (GroveException ex)
            {
                await Console.Error.WriteLineAsync(Describe(ex)).ConfigureAwait(false);
                return Failed;
            }
        });
    }

    public static string Describe(GroveException ex)
    {
        var message = $"grove: {ex.Message}";
        return ex.Fix is null ? message : $"{message}{Environment.NewLine}  fix: {ex.Fix}";
    }
}
