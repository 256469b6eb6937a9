using Grove.Bench;

// bench/run [name] [--runs N]: runs one benchmark, or all of them.
var name = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var runsIndex = Array.IndexOf(args, "--runs");
var runs = runsIndex >= 0 && runsIndex + 1 < args.Length ? int.Parse(args[runsIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 21;

var benchmarks = new Dictionary<string, Func<Task<bool>>>(StringComparer.Ordinal)
{
    ["ls"] = () => ListBenchmark.RunAsync(runs),
    ["up"] = () => UpBenchmark.RunAsync(Math.Min(runs, 7)),
    ["gateway"] = GatewayBenchmark.RunAsync,
    ["deps"] = () => DependencyBenchmark.RunAsync(runs),
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
