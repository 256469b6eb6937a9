using Grove.Databases;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>The supervisor with the real database step: each app gets its own branch in its environment.</summary>
public class DatabaseBeforeStartTests
{
    [Fact]
    public async Task SqliteDatabase_EachAppGetsItsOwnBranchBeforeItStarts()
    {
        using var repo = SqliteRepository("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('seeded');", portBase: 39500, range: 50);
        repo.AddWorktree("feature/db");
        await using var databases = new DatabaseManager(repo.CommonGitDirectory);
        await using var supervisor = new Supervisor(repo.Catalog(), new SupervisorOptions { StopGrace = TimeSpan.FromSeconds(2) }, [new DatabaseStep(databases)]);
        var states = new List<WorktreeState>();
        await using var recorder = StateRecorder.Follow(supervisor, states, s => s.Worktrees.Select(w => w.State));

        await supervisor.StartAsync(Bounded.Token(Bounded.Process));
        var running = await supervisor.WaitForAsync(s => s.Worktrees.All(w => w.State == WorktreeState.Running), Bounded.Token(TimeSpan.FromSeconds(90)));

        using var http = new HttpClient();
        var connections = new List<string>();
        foreach (var worktree in running.Worktrees)
        {
            connections.Add(await http.GetStringAsync(new Uri($"{worktree.Url}/env/ConnectionStrings__app"), TestContext.Current.CancellationToken));
        }

        Assert.Equal(2, connections.Distinct().Count());
        Assert.All(connections, c => Assert.Contains(Path.Combine(repo.CommonGitDirectory, "grove"), c, StringComparison.Ordinal));
        lock (states)
        {
            Assert.Contains(WorktreeState.BranchingDatabase, states);
        }

        Assert.Empty(repo.Git(repo.Primary, "status", "--porcelain"));
    }
    [Fact]
    public async Task SqliteDatabase_WorktreeGitIsStillAdding_NoDatabaseForItsPlaceholderSlug()
    {
        using var repo = SqliteRepository("CREATE TABLE t (v TEXT);", portBase: 39620, range: 30);

        // What 'git worktree add -b feature/added' shows while it runs: locked "initializing", HEAD detached.
        var adding = Path.Combine(repo.Root, "repo-adding");
        repo.Git(repo.Primary, "worktree", "add", "-q", "--detach", adding);
        repo.Git(repo.Primary, "worktree", "lock", "--reason", "initializing", adding);
        await using var databases = new DatabaseManager(repo.CommonGitDirectory);
        await using var supervisor = new Supervisor(repo.Catalog(), new SupervisorOptions { StopGrace = TimeSpan.FromSeconds(2) }, [new DatabaseStep(databases)]);
        await supervisor.StartAsync(Bounded.Token(Bounded.Process));
        await supervisor.WaitForAsync(s => s.Worktrees.All(w => w.State == WorktreeState.Running || w.IsLocked), Bounded.Token(TimeSpan.FromSeconds(90)));
        await Task.Delay(500, TestContext.Current.CancellationToken); // time enough for a runner of the placeholder to make its database

        repo.Git(adding, "switch", "-q", "-c", "feature/added");
        repo.Git(repo.Primary, "worktree", "unlock", adding);
        var running = await supervisor.WaitForAsync(s => s.Worktrees.All(w => w.State == WorktreeState.Running), Bounded.Token(TimeSpan.FromSeconds(90)));

        Assert.Contains(running.Worktrees, w => w.Slug == "feature-added");
        var files = Directory.GetFiles(Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app"), "*.db").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["__template.db", "feature-added.db", "main.db"], files);
    }

    /// <summary>A repository whose grove.json runs the test app with a SQLite database seeded by <paramref name="seed"/>.</summary>
    private static TestRepository SqliteRepository(string seed, int portBase, int range)
    {
        var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, "seed.sql"), seed);
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"] },
              "database": { "provider": "sqlite", "name": "app", "seed": "seed.sql" },
              "ports": { "base": {{portBase}}, "range": {{range}} }, "gateway": { "port": {{portBase - 1}} } }
            """);
        repo.Git(repo.Primary, "add", ".");
        repo.Git(repo.Primary, "commit", "-q", "-m", "database");
        return repo;
    }
}
