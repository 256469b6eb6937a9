using Grove.Worktrees;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Grove.Cli.Output;

/// <summary>
/// The live table of <c>grove up</c>, built anew from each snapshot: a header with the current
/// number of worktrees and the gateway's address, one row per worktree with its step and the
/// seconds it has taken so far. URLs are never broken across lines (their columns do not wrap;
/// the other columns wrap instead), so they stay whole to copy and click at any terminal width.
/// </summary>
internal static class UpTable
{
    /// <summary>The table for <paramref name="snapshot"/> (none yet: no rows) at <paramref name="now"/>.</summary>
    public static Table Build(RepositorySnapshot? snapshot, string gatewayUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(gatewayUrl);
        var worktrees = snapshot?.Worktrees ?? [];
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Worktree"))
            .AddColumn(new TableColumn("Branch"))
            .AddColumn(new TableColumn("State"))
            .AddColumn(new TableColumn("URL").NoWrap())
            .AddColumn(new TableColumn("Gateway URL").NoWrap())
            .AddColumn(new TableColumn("Database"));
        table.Title = new TableTitle(Markup.Escape($"grove up: {worktrees.Length} worktree(s) at {gatewayUrl}; Ctrl+C stops every app"));
        table.Caption = snapshot?.ConfigError is { } error ? new TableTitle(Markup.Escape($"grove.json: {error}"), new Style(Color.Red)) : null;
        foreach (var w in worktrees)
        {
            table.AddRow(new IRenderable[]
            {
                new Text(w.Slug + (w.IsPrimary ? " *" : string.Empty)),
                new Text(w.Branch ?? "(detached)"),
                new Text(AppProgress.Of(w, now), StateStyle(w.State)),
                new Text(w.Url),
                new Text(w.GatewayUrl),
                new Text(w.Database is { } database ? $"{database.Provider} {database.Name}" : "—"),
            });
        }

        return table;
    }

    /// <summary>The table as plain text at <paramref name="width"/> columns (what a terminal that wide shows, without colours).</summary>
    public static string Render(RepositorySnapshot? snapshot, string gatewayUrl, DateTimeOffset now, int width)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(Build(snapshot, gatewayUrl, now));
        return writer.ToString();
    }

    private static Style StateStyle(WorktreeState state) => state switch
    {
        WorktreeState.Running => new Style(Color.Green),
        WorktreeState.Failed or WorktreeState.Unhealthy => new Style(Color.Red),
        WorktreeState.Exited => new Style(Color.Yellow),
        WorktreeState.Stopped => new Style(Color.Grey),
        _ => new Style(Color.Blue),
    };
}
