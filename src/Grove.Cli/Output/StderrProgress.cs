namespace Grove.Cli.Output;

/// <summary>Shows the steps of long database work on standard error, in order, as they happen (standard output stays for results).</summary>
internal sealed class StderrProgress : IProgress<string>
{
    public static StderrProgress Instance { get; } = new();

    public void Report(string value) => Console.Error.WriteLine($"grove: {value}");
}
