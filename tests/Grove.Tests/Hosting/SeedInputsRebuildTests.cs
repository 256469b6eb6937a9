using Grove.Hosting;
using Grove.Tests.Supervision;
using Grove.Worktrees;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Grove.Tests.Hosting;

/// <summary>Under a running host (grove up), a changed <c>database.seedInputs</c> file rebuilds the template by itself.</summary>
public class SeedInputsRebuildTests
{
    private static CancellationToken Within(TimeSpan limit) => Bounded.Token(limit);

    [Fact]
    public async Task Started_MigrationAdded_TemplateRebuiltRunningWorktreesKeepTheirDatabases()
    {
        RequiredTool.Check("sqlite3", "sqlite3");
        using var repo = TestRepository.Create();
        Directory.CreateDirectory(Path.Combine(repo.Primary, "db", "migrations"));
        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "001.sql"), "CREATE TABLE items (id INTEGER); INSERT INTO items VALUES (1);");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"] },
              "database": { "provider": "sqlite", "name": "app", "seedInputs": ["db/migrations/*.sql"],
                            "seedCommand": { "command": "sh", "args": ["-c", "cat db/migrations/*.sql | sqlite3 \"${DATABASE_URL#sqlite://}\""] } },
              "ports": { "base": 39700, "range": 50 }, "gateway": { "port": 39699 } }
            """);
        repo.CommitAll("migrations");
        await using var host = await GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary, Supervision = TestSupervision.Fast }, Within(Bounded.Git));
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => s.Worktrees.All(w => w.State == WorktreeState.Running), Within(TestSupervision.Healthy));
        var config = (await host.RepositoryConfigAsync(Within(Bounded.Git))).Database!;

        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "002.sql"), "INSERT INTO items VALUES (2);");
        var stale = await host.Databases.TemplateSeedChangedAsync(config, Within(Bounded.Git));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await host.Databases.TemplateSeedChangedAsync(config, limit.Token))
        {
            await Task.Delay(250, limit.Token);
        }

        var folder = Path.Combine(repo.CommonGitDirectory, "grove", "sqlite", "app");
        Assert.True(stale);
        Assert.Equal(2L, Count(Path.Combine(folder, "__template.db")));
        Assert.Equal(1L, Count(Path.Combine(folder, "main.db")));
        Assert.Contains(host.ReadLog("main", 1000), l => l.Text.Contains("older than its seed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Started_BrokenMigrationAdded_FailureSaidToTheFrontEndAndTheLogAsARebuildFailure()
    {
        RequiredTool.Check("sqlite3", "sqlite3");
        using var repo = TestRepository.Create();
        Directory.CreateDirectory(Path.Combine(repo.Primary, "db", "migrations"));
        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "001.sql"), "CREATE TABLE items (id INTEGER); INSERT INTO items VALUES (1);");
        File.WriteAllText(Path.Combine(repo.Primary, "grove.json"), $$"""
            { "app": { "command": "dotnet", "args": ["{{AppRepository.TestApp}}"] },
              "database": { "provider": "sqlite", "name": "app", "seedInputs": ["db/migrations/*.sql"],
                            "seedCommand": { "command": "sh", "args": ["-c", "cat db/migrations/*.sql | sqlite3 -bail \"${DATABASE_URL#sqlite://}\""] } },
              "ports": { "base": 39760, "range": 30 }, "gateway": { "port": 39759 } }
            """);
        repo.CommitAll("migrations");
        using var warnings = new WarningSink();
        await using var host = await GroveHost.OpenAsync(new GroveHostOptions { RepositoryPath = repo.Primary, Supervision = TestSupervision.Fast, LoggerFactory = warnings }, Within(Bounded.Git));
        await host.StartAsync(null, Within(Bounded.Process));
        await host.WaitForAsync(s => s.Worktrees.All(w => w.State == WorktreeState.Running), Within(TestSupervision.Healthy));

        File.WriteAllText(Path.Combine(repo.Primary, "db", "migrations", "002.sql"), "INSRT INTO items VALUES (2);"); // a typo
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!warnings.Lines.Any(l => l.Contains("could not be rebuilt", StringComparison.Ordinal)))
        {
            await Task.Delay(250, limit.Token);
        }

        var warning = warnings.Lines.First(l => l.Contains("could not be rebuilt", StringComparison.Ordinal));
        Assert.Contains("INSRT", warning, StringComparison.Ordinal); // sqlite3's own error, with the seed command
        Assert.Contains("fix:", warning, StringComparison.Ordinal);
        var log = host.ReadLog("main", 1000).Select(l => l.Text).ToList();
        Assert.Contains(log, l => l.Contains("the database template could not be rebuilt from its changed seed", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("no spare branch was prepared", StringComparison.Ordinal));
        Assert.Equal(WorktreeState.Running, (await host.SnapshotAsync(Within(Bounded.Git))).Worktrees.Single().State);
    }

    /// <summary>The host's warnings, as grove up prints them on standard error.</summary>
    private sealed class WarningSink : ILoggerFactory, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    private static long Count(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM items;";
        return (long)command.ExecuteScalar()!;
    }
}
