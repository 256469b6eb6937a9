using System.Globalization;
using Grove.Bench;

// bench/run [name] [--runs N] [--sizes 20,200,1000] [--n 8 --cycles 3 --provider sqlite|postgres (agents)] [--install-seconds 3 (crashloop)]: runs one benchmark, or all of them.
if (args is [WorktreeReadPaths.FirstReadCommand, var readPath, var commonGitDirectory])
{
    return await WorktreeReadPaths.RunFirstReadAsync(readPath, commonGitDirectory);
}

if (args is [Grove.Bench.Agents.SimulatedAgent.Command, ..])
{
    return await Grove.Bench.Agents.SimulatedAgent.RunAsync(args);
}

var name = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !char.IsAsciiDigit(a[0])) ?? "all";
int? runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;
var sizes = (Option("--sizes") ?? "20,200,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();

var benchmarks = new Dictionary<string, Func<Task<bool>>>(StringComparer.Ordinal)
{
    ["ls"] = () => ListBenchmark.RunAsync(runs ?? 21),
    ["db"] = () => DbBenchmark.RunAsync(runs ?? 3, sizes),
    ["up"] = () => UpBenchmark.RunAsync(Math.Min(runs ?? 21, 7)),
    ["gateway"] = GatewayBenchmark.RunAsync,
    ["deps"] = () => DependencyBenchmark.RunAsync(runs ?? 21),
    ["crashloop"] = () => CrashLoopBenchmark.RunAsync(runs ?? 1, double.Parse(Option("--install-seconds") ?? "3", CultureInfo.InvariantCulture)),
    ["agents"] = async () => (await Grove.Bench.Agents.AgentsScenario.RunAsync(
        int.Parse(Option("--n") ?? "8", CultureInfo.InvariantCulture),
        int.Parse(Option("--cycles") ?? "3", CultureInfo.InvariantCulture),
        Option("--provider") ?? "sqlite",
        Console.Out)).Violations.Count == 0,
};

if (name != "all" && !benchmarks.ContainsKey(name))
{
    Console.Error.WriteLine($"unknown benchmark '{name}'; known: {string.Join(", ", benchmarks.Keys)}, all");
    return 2;
}

var allMet = true;
foreach (var (key, run) in benchmarks.Where(b => name == "all" || b.Key == name))
{
    Console.WriteLine($"== {key} ==");
    allMet &= await run();
}

return allMet ? 0 : 1;

string? Option(string flag)
{
    var index = Array.IndexOf(args, flag);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
