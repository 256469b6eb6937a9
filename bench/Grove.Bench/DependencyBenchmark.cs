using System.Diagnostics;
using Grove.Configuration;
using Grove.Dependencies;
using Grove.Processes;
using Grove.Testing;
using Grove.Worktrees;

namespace Grove.Bench;

/// <summary>
/// Issue 4: a worktree's npm dependencies (400+ packages) installed cold by <c>npm ci</c> versus
/// materialised by Grove from another worktree's install, in the same run. Goal: Grove's reuse
/// costs at most 10% of the cold install. Also <c>dotnet restore</c> of a small app, cold versus
/// warm (what Grove runs in each new worktree) versus Grove's up-to-date check.
/// </summary>
internal static class DependencyBenchmark
{
    private const double Goal = 0.10;
    private static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(6);

    /// <summary>Well-known packages with deep trees: together 400+ packages (about 7,000 files).</summary>
    private static readonly Dictionary<string, string> NpmFixture = new()
    {
        ["jest"] = "29.7.0",
        ["express"] = "4.21.2",
        ["eslint"] = "8.57.0",
    };

    private const string DotnetApp = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="10.0.0" />
          </ItemGroup>
        </Project>
        """;

    public static async Task<bool> RunAsync(int runs)
    {
        RequiredTool.Check("node", "nodejs");
        RequiredTool.Check("npm", "npm");
        RequiredTool.Check("dotnet", "dotnet-sdk-10.0");
        var reuseRuns = Math.Clamp(runs, 1, 5);
        using var scratch = new TempFolder("grove-bench-deps");
        var met = await NpmAsync(scratch, reuseRuns);
        await DotnetAsync(scratch);
        return met;
    }

    private static async Task<bool> NpmAsync(TempFolder scratch, int reuseRuns)
    {
        using var repo = TestRepository.Create();
        await File.WriteAllTextAsync(Path.Combine(repo.Primary, ".gitignore"), "node_modules/\n");
        Console.WriteLine("resolving the npm fixture's lockfile (not timed)...");
        await NpmProject.WriteAsync(repo.Primary, NpmFixture, "grove-bench");
        repo.CommitAll("npm fixture");
        var linked = Enumerable.Range(1, reuseRuns).Select(i => repo.AddWorktree($"bench/reuse-{i}")).ToList();
        var packages = CountPackages(Path.Combine(repo.Primary, "package-lock.json"));

        // Cold means: an npm cache folder created empty for this run (so every tarball is
        // downloaded and unpacked), no node_modules. Grove's installs below inherit the same cache.
        var npmCache = scratch.Combine("npm-cache");
        Environment.SetEnvironmentVariable("npm_config_cache", npmCache);
        var ci = new ProcessSpec("npm", ["ci", "--no-audit", "--no-fund"], repo.Primary);
        Console.WriteLine($"cold npm ci of {packages} packages (empty npm cache at {npmCache})...");
        var cold = await Measure.RunAsync(ci, InstallLimit);

        var installer = new DependencyInstaller(repo.CommonGitDirectory);
        var catalog = repo.Catalog();
        var (warm, warmReport) = await EnsureAsync(installer, catalog, repo.Primary);
        Expect(warmReport, InstallOutcome.Installed);

        var reuse = new List<TimeSpan>();
        StepReport? reused = null;
        foreach (var folder in linked)
        {
            var (time, report) = await EnsureAsync(installer, catalog, folder);
            reused = Expect(report, InstallOutcome.Reused);
            reuse.Add(time);
        }

        await CheckWorksAsync(repo, linked[0]);
        var copy = TimeCopyWithoutLinks(Path.Combine(repo.Primary, "node_modules"), scratch.Combine("copy"));

        var coldMs = cold.TotalMilliseconds;
        var reuseMs = Measure.Median(reuse);
        Console.WriteLine($"npm: {packages} packages, {reused!.Files} files/folders/links in node_modules");
        Console.WriteLine($"  cold npm ci (empty npm cache, downloads included)    {Measure.Ms(coldMs),12}");
        Console.WriteLine($"  npm ci with a warm npm cache, via Grove (+ caching)   {Measure.Ms(warm.TotalMilliseconds),12}");
        Console.WriteLine($"  Grove reuse in a new worktree ({reused.Method?.ToString().ToLowerInvariant()}, verified), median of {reuse.Count}  {Measure.Ms(reuseMs),12}  (p90 {Measure.Ms(Measure.Percentile(reuse, 0.9))})");
        Console.WriteLine($"  same tree without hard links ({copy.Method.ToString().ToLowerInvariant()}), tree copy only     {Measure.Ms(copy.Time.TotalMilliseconds),12}");
        var ratio = reuseMs / coldMs;
        Console.WriteLine($"ratio reuse/cold: {ratio:P1} (goal <= {Goal:P0}); reuse/warm npm ci: {reuseMs / warm.TotalMilliseconds:P1}");
        var met = ratio <= Goal;
        Console.WriteLine(met ? "goal met" : "goal NOT met");
        return met;
    }

    private static async Task DotnetAsync(TempFolder scratch)
    {
        using var repo = TestRepository.Create();
        await File.WriteAllTextAsync(Path.Combine(repo.Primary, ".gitignore"), "bin/\nobj/\n");
        Directory.CreateDirectory(Path.Combine(repo.Primary, "app"));
        await File.WriteAllTextAsync(Path.Combine(repo.Primary, "app", "App.csproj"), DotnetApp);
        await File.WriteAllTextAsync(Path.Combine(repo.Primary, "app", "Program.cs"), "System.Console.WriteLine(\"hi\");\n");
        repo.CommitAll("dotnet app");
        var linked = repo.AddWorktree("bench/dotnet");

        // Cold: NuGet's packages folder empty and its HTTP cache bypassed, so packages are downloaded.
        var packagesFolder = scratch.Combine("nuget-packages");
        Environment.SetEnvironmentVariable("NUGET_PACKAGES", packagesFolder);
        Environment.SetEnvironmentVariable("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        var cold = await Measure.RunAsync(new ProcessSpec("dotnet", ["restore", "--no-cache", "App.csproj"], Path.Combine(repo.Primary, "app")), InstallLimit);

        var installer = new DependencyInstaller(repo.CommonGitDirectory);
        var catalog = repo.Catalog();
        var (warm, warmReport) = await EnsureAsync(installer, catalog, linked);
        Expect(warmReport, InstallOutcome.Installed);
        var (check, checkReport) = await EnsureAsync(installer, catalog, linked);
        Expect(checkReport, InstallOutcome.UpToDate);
        Console.WriteLine("dotnet restore of a console app with one package reference (Microsoft.Extensions.Logging.Abstractions and its dependencies)");
        Console.WriteLine($"  cold (empty NuGet packages folder, no HTTP cache)   {Measure.Ms(cold.TotalMilliseconds),12}");
        Console.WriteLine($"  warm, in a new worktree, via Grove                  {Measure.Ms(warm.TotalMilliseconds),12}");
        Console.WriteLine($"  Grove's check when already restored (up to date)    {Measure.Ms(check.TotalMilliseconds),12}");
    }

    private static async Task<(TimeSpan Time, InstallReport Report)> EnsureAsync(DependencyInstaller installer, WorktreeCatalog catalog, string folder)
    {
        var worktree = (await catalog.SnapshotAsync()).Find(folder) ?? throw new InvalidOperationException($"no worktree at {folder}");
        var config = GroveConfigLoader.LoadFromWorktree(folder);
        using var timeout = new CancellationTokenSource(InstallLimit);
        var clock = Stopwatch.StartNew();
        var report = await installer.EnsureInstalledAsync(worktree, config, _ => { }, null, false, timeout.Token);
        return (clock.Elapsed, report);
    }

    private static StepReport Expect(InstallReport report, InstallOutcome outcome)
    {
        var step = report.Steps.Single();
        return step.Outcome == outcome ? step : throw new InvalidOperationException($"expected {outcome}, got {step.Describe()}");
    }

    private static async Task CheckWorksAsync(TestRepository repo, string folder)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var node = await ProcessRunner.RunAsync(new ProcessSpec("node", ["-e", "require('express'); require('eslint'); console.log(require('jest/package.json').version)"], folder), timeout.Token);
        if (!node.Succeeded || node.StandardOutput.Trim() != NpmFixture["jest"])
        {
            throw new InvalidOperationException($"the reused tree does not work: {node.StandardError}");
        }

        var status = repo.Git(folder, "status", "--porcelain");
        if (status.Length > 0)
        {
            throw new InvalidOperationException($"reuse dirtied git status: {status}");
        }

        Console.WriteLine($"verified: require('express'), require('eslint'), jest {NpmFixture["jest"]} load in {folder}; git status clean");
    }

    /// <summary>The tree copy alone without hard links (what a package manager that edits files in place would get).</summary>
    private static (TimeSpan Time, CopyMethod Method) TimeCopyWithoutLinks(string source, string target)
    {
        var clock = Stopwatch.StartNew();
        var entries = TreeWalker.Walk(source).ToList();
        var copier = new TreeCopier(allowHardlinks: false);
        copier.Copy(source, target, entries, checkSource: false, CancellationToken.None);
        return (clock.Elapsed, copier.Method);
    }

    private static int CountPackages(string lockfile)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(lockfile));
        return document.RootElement.GetProperty("packages").EnumerateObject().Count(p => p.Name.Length > 0);
    }
}
