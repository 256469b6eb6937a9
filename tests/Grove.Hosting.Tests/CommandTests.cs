using Grove.Dashboard;
using Microsoft.Data.Sqlite;

namespace Grove.Hosting.Tests;

/// <summary>The dashboard's commands on worktree rows, run through app.ResourceCommands as the dashboard runs them.</summary>
[Collection(SharedAppHost.Name)]
public sealed class CommandTests(AppHostFixture fixture)
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task StopStartRestartReinstall_EachHasItsEffect()
    {
        var before = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running");

        await SucceedsAsync("feature-one", DashboardCommands.Stop);
        await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Stopped");

        await SucceedsAsync("feature-one", DashboardCommands.Start);
        var started = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running");
        Assert.True(started.Snapshot.StartTimeStamp > before.Snapshot.StartTimeStamp, "Start did not start a new process");

        await SucceedsAsync("feature-one", DashboardCommands.Restart);
        var restarted = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running" && r.Snapshot.StartTimeStamp > started.Snapshot.StartTimeStamp);

        await SucceedsAsync("feature-one", DashboardCommands.Reinstall);
        await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running" && r.Snapshot.StartTimeStamp > restarted.Snapshot.StartTimeStamp);
    }

    [Fact]
    public async Task ResetDatabase_ReplacesTheWorktreesDataByTheTemplates()
    {
        var row = await Rows.WaitAsync(fixture.App, "main", r => r.State == "Running" && r.Property("grove.database.connection") is not null);
        var connection = row.Property("grove.database.connection")!;
        await ExecuteSqlAsync(connection, "INSERT INTO notes VALUES ('written by the test')");
        Assert.Equal(2L, await CountNotesAsync(connection));

        await SucceedsAsync("main", DashboardCommands.ResetDatabase);

        var after = await Rows.WaitAsync(fixture.App, "main", r => r.State == "Running");
        Assert.Equal(1L, await CountNotesAsync(after.Property("grove.database.connection")!));
    }

    [Fact]
    public async Task RemoveWorktree_WithUntrackedWork_IsRefusedWithTheReason_AndWhenClean_RemovesItAndHidesItsRow()
    {
        var folder = fixture.Repository.AddWorktree("to-remove", "to-remove");
        await Rows.WaitAsync(fixture.App, "to-remove", r => !r.Snapshot.IsHidden && r.State != "Waiting");
        File.WriteAllText(Path.Combine(folder, "work.txt"), "not committed");

        var refused = await ExecuteAsync("to-remove", DashboardCommands.Remove);
        Assert.False(refused.Success);
        Assert.Matches("(?i)untracked|uncommitted", refused.Message);
        Assert.True(Directory.Exists(folder));

        File.Delete(Path.Combine(folder, "work.txt"));
        await SucceedsAsync("to-remove", DashboardCommands.Remove);
        await Rows.WaitAsync(fixture.App, "to-remove", r => r.Snapshot.IsHidden, TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Commands_AreEnabledOnlyWhereTheyMakeSense()
    {
        var main = await Rows.WaitAsync(fixture.App, "main", r => r.State == "Running");
        ResourceCommandState StateOf(string command) => main.Snapshot.Commands.Single(c => c.Name == command).State;

        Assert.Equal(ResourceCommandState.Hidden, StateOf(DashboardCommands.Start)); // shown once the app does not run
        Assert.Equal(ResourceCommandState.Enabled, StateOf(DashboardCommands.Stop));
        Assert.Equal(ResourceCommandState.Enabled, StateOf(DashboardCommands.Restart));
        Assert.Equal(ResourceCommandState.Enabled, StateOf(DashboardCommands.ResetDatabase));
        Assert.Equal(ResourceCommandState.Hidden, StateOf(DashboardCommands.Remove)); // the primary worktree is never removed
        Assert.NotNull(main.Snapshot.Commands.Single(c => c.Name == DashboardCommands.ResetDatabase).ConfirmationMessage);
    }

    private async Task<ExecuteCommandResult> ExecuteAsync(string resource, string command)
    {
        using var limit = new CancellationTokenSource(CommandLimit);
        return await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, command, limit.Token);
    }

    private async Task SucceedsAsync(string resource, string command)
    {
        var result = await ExecuteAsync(resource, command);
        Assert.True(result.Success, $"{command} on {resource} failed: {result.Message}");
    }

    private static async Task ExecuteSqlAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(Unpooled(connectionString));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<long> CountNotesAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(Unpooled(connectionString));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM notes";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>A pooled connection would keep the replaced file open and read the old data.</summary>
    private static string Unpooled(string connectionString) => new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
}
