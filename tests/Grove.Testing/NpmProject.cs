using System.Collections.Concurrent;
using System.Text;
using Grove.Processes;

namespace Grove.Testing;

/// <summary>
/// Writes a real npm project (package.json and the package-lock.json npm itself resolves from the
/// registry) into a folder. Each distinct dependency set is resolved once per test run.
/// </summary>
public static class NpmProject
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Locks = new(StringComparer.Ordinal);

    /// <summary>A small project: a few packages, one nested version, one command in node_modules/.bin.</summary>
    public static readonly IReadOnlyDictionary<string, string> Small = new Dictionary<string, string>
    {
        ["is-odd"] = "3.0.1",
        ["is-number"] = "7.0.0",
        ["semver"] = "7.6.3",
    };

    /// <summary><see cref="Small"/> plus one more package (with its own dependencies).</summary>
    public static readonly IReadOnlyDictionary<string, string> SmallPlusOne = new Dictionary<string, string>(Small)
    {
        ["is-even"] = "1.0.0",
    };

    public static string Manifest(IReadOnlyDictionary<string, string> dependencies, string name = "grove-fixture")
    {
        var text = new StringBuilder();
        text.Append("{\n  \"name\": \"").Append(name).Append("\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"dependencies\": {\n");
        text.AppendJoin(",\n", dependencies.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"    \"{d.Key}\": \"{d.Value}\""));
        text.Append("\n  }\n}\n");
        return text.ToString();
    }

    /// <summary>Writes package.json and its package-lock.json into <paramref name="folder"/>.</summary>
    public static async Task WriteAsync(string folder, IReadOnlyDictionary<string, string> dependencies, string name = "grove-fixture")
    {
        RequiredTool.Check("node", "nodejs");
        RequiredTool.Check("npm", "npm");
        var manifest = Manifest(dependencies, name);
        var lockfile = await Locks.GetOrAdd(manifest, m => new Lazy<Task<string>>(() => ResolveAsync(m))).Value;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), manifest);
        await File.WriteAllTextAsync(Path.Combine(folder, "package-lock.json"), lockfile);
    }

    /// <summary>A repository whose primary worktree holds a committed npm project (node_modules git-ignored).</summary>
    public static async Task<TestRepository> CreateRepositoryAsync(IReadOnlyDictionary<string, string> dependencies)
    {
        var repo = TestRepository.Create();
        await File.WriteAllTextAsync(Path.Combine(repo.Primary, ".gitignore"), "node_modules/\n");
        await WriteAsync(repo.Primary, dependencies);
        repo.CommitAll("npm project");
        return repo;
    }

    private static async Task<string> ResolveAsync(string manifest)
    {
        using var scratch = new TempFolder("grove-npm-lock");
        await File.WriteAllTextAsync(scratch.Combine("package.json"), manifest);
        var result = await ProcessRunner.RunAsync(
            new ProcessSpec("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], scratch.Path),
            Bounded.Token(TimeSpan.FromMinutes(3)));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"npm could not resolve the fixture (is the npm registry reachable?): {result.StandardError}");
        }

        return await File.ReadAllTextAsync(scratch.Combine("package-lock.json"));
    }
}
