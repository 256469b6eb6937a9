using Grove.Configuration;
using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Tests.Databases;

/// <summary>A real repository with a seed file in its primary worktree and a database manager for it.</summary>
internal sealed class DatabaseRepository : IAsyncDisposable
{
    public const string Seed = """
        CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
        INSERT INTO items VALUES (1, 'seeded'), (2, 'also seeded');
        """;

    private DatabaseRepository(TestRepository repo, DatabaseConfig config)
    {
        Repo = repo;
        Config = config;
        Manager = new DatabaseManager(repo.CommonGitDirectory);
    }

    public TestRepository Repo { get; }

    public DatabaseConfig Config { get; }

    public DatabaseManager Manager { get; }

    /// <param name="connectionString">A given server; null: Grove's own local server (sqlite ignores it).</param>
    public static DatabaseRepository Create(DatabaseProvider provider, string? connectionString = null, string seed = Seed)
    {
        var repo = TestRepository.Create();
        Directory.CreateDirectory(Path.Combine(repo.Primary, "db"));
        File.WriteAllText(Path.Combine(repo.Primary, "db", "seed.sql"), seed);
        // A name per test: the tests share one server.
        var name = "t" + Guid.NewGuid().ToString("N")[..10];
        return new DatabaseRepository(repo, new DatabaseConfig(provider, name, "db/seed.sql", null, connectionString));
    }

    public async Task<WorktreeSnapshot> WorktreeAsync(string branch)
    {
        if (branch != "main")
        {
            Repo.AddWorktree(branch);
        }

        var snapshot = await Repo.Catalog().SnapshotAsync(Bounded.Token(Bounded.Git));
        return snapshot.Worktrees.Single(w => w.Branch == branch);
    }

    /// <summary>A new worktree for <paramref name="branch"/> and its database.</summary>
    public async Task<(WorktreeSnapshot Worktree, DatabaseBranch Database)> BranchAsync(string branch)
    {
        var worktree = await WorktreeAsync(branch);
        return (worktree, await EnsureAsync(worktree));
    }

    public Task<DatabaseBranch> EnsureAsync(WorktreeSnapshot worktree) =>
        Manager.EnsureBranchAsync(worktree, Config, null, Bounded.Token(TimeSpan.FromMinutes(2)));

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        Repo.Dispose();
    }
}
