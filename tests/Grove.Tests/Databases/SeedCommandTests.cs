using Grove.Configuration;
using Grove.Databases;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Tests.Databases;

/// <summary>
/// A seed command that runs a package script (<c>npm run migrate</c>, needing node_modules) on a
/// fresh clone, and <c>database.seedInputs</c>: migrations that change rebuild the template.
/// </summary>
public class SeedCommandTests
{
    private static CancellationToken Token => Bounded.Token(TimeSpan.FromMinutes(3));

    /// <summary>
    /// A primary worktree with an npm project whose migrate script needs its dependency
    /// (<c>seedlib</c>, a local <c>file:</c> package: no registry) and runs the SQL files of
    /// db/migrations with sqlite3; node_modules is ignored and absent, as on a fresh clone.
    /// </summary>
    private static async Task<TestRepository> NpmSeedRepositoryAsync()
    {
        RequiredTool.Check("sqlite3", "sqlite3");
        RequiredTool.Check("npm", "npm");
        var repo = TestRepository.Create();
        void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(repo.Primary, path))!);
            File.WriteAllText(Path.Combine(repo.Primary, path), text);
        }

        Write(".gitignore", "node_modules/\n");
        Write("seedlib/package.json", """{ "name": "seedlib", "version": "1.0.0", "main": "index.js" }""");
        Write("seedlib/index.js", """
            const fs = require('fs'), path = require('path'), { execFileSync } = require('child_process');
            module.exports = (file, folder) => fs.readdirSync(folder).sort().forEach(f => execFileSync('sqlite3', [file, fs.readFileSync(path.join(folder, f), 'utf8')]));
            """);
        Write("migrate.js", "require('seedlib')(process.env.DATABASE_URL.slice('sqlite://'.length), 'db/migrations');\n");
        Write("package.json", """{ "name": "app", "version": "1.0.0", "private": true, "scripts": { "migrate": "node migrate.js" }, "dependencies": { "seedlib": "file:seedlib" } }""");
        Write("db/migrations/001.sql", "CREATE TABLE items (id INTEGER, name TEXT); INSERT INTO items VALUES (1, 'seeded');");
        var locked = await ProcessRunner.RunAsync(new ProcessSpec("npm", ["install", "--package-lock-only", "--offline", "--no-audit", "--no-fund"], repo.Primary), Token);
        Assert.True(locked.Succeeded, locked.StandardError);
        repo.CommitAll("npm app with migrations");
        Assert.False(Directory.Exists(Path.Combine(repo.Primary, "node_modules")));
        return repo;
    }

    private static DatabaseConfig Config(params string[] seedInputs) =>
        new(DatabaseProvider.Sqlite, "app", null, new CommandConfig("npm", ["run", "migrate"], "."), null, 0) { SeedInputs = seedInputs };

    private static async Task<WorktreeSnapshot> WorktreeAsync(TestRepository repo, string branch)
    {
        if (branch != "main")
        {
            repo.AddWorktree(branch);
        }

        return (await repo.Catalog().SnapshotAsync(Token)).Worktrees.Single(w => w.Branch == branch);
    }

    private static async Task<string> Names(DatabaseBranch branch)
    {
        var file = branch.AppConnectionString()["Data Source=".Length..];
        var result = await ProcessRunner.RunAsync(new ProcessSpec("sqlite3", [file, "SELECT group_concat(name, ',') FROM (SELECT name FROM items ORDER BY id);"]), Token);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    [Fact]
    public async Task EnsureBranch_SeedCommandNeedsPackagesOnAFreshClone_InstallsThePrimarysFirst()
    {
        using var repo = await NpmSeedRepositoryAsync();
        await using var databases = new DatabaseManager(repo.CommonGitDirectory);

        var branch = await databases.EnsureBranchAsync(await WorktreeAsync(repo, "feature/seed"), Config(), null, Token);

        Assert.Equal("seeded", await Names(branch));
        Assert.True(Directory.Exists(Path.Combine(repo.Primary, "node_modules", "seedlib")));
        Assert.Empty(repo.Git(repo.Primary, "status", "--porcelain"));
    }

    [Fact]
    public async Task EnsureTemplate_SeedInputsChanged_StaleThenRebuiltOldBranchesKept()
    {
        using var repo = await NpmSeedRepositoryAsync();
        await using var databases = new DatabaseManager(repo.CommonGitDirectory);
        var config = Config("db/migrations/**");
        var before = await databases.EnsureBranchAsync(await WorktreeAsync(repo, "feature/before"), config, null, Token);
        var staleBefore = await databases.TemplateSeedChangedAsync(config, Token);

        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "002.sql"), "INSERT INTO items VALUES (2, 'migrated');");
        var staleAfter = await databases.TemplateSeedChangedAsync(config, Token);
        var after = await databases.EnsureBranchAsync(await WorktreeAsync(repo, "feature/after"), config, null, Token);

        Assert.False(staleBefore);
        Assert.True(staleAfter);
        Assert.False(await databases.TemplateSeedChangedAsync(config, Token));
        Assert.Equal("seeded", await Names(before));
        Assert.Equal("seeded,migrated", await Names(after));
    }
}
