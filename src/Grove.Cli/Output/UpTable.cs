using Grove.Worktrees;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Grove.Cli.Output;

/// <summary>
/// The live view of <c>grove up</c>, built anew from each snapshot: a header with the current
/// number of worktrees and the gateway's address, one entry per worktree with its step and the
/// seconds it has taken so far. URLs are never broken inside: when the whole table fits the
/// terminal's width it is shown as a table; otherwise each worktree takes two or three lines,
/// its URLs on lines of their own. An app listening beyond loopback gets a line under it all
/// (<c>! slug: warning</c>), wrapped as the terminal needs.
/// </summary>
internal static class UpTable
{
    private static readonly string[] Headers = ["Worktree", "Branch", "State", "URL", "Gateway URL", "Database"];

    /// <summary>The view of <paramref name="snapshot"/> (none yet: no worktrees) at <paramref name="now"/>, for a terminal <paramref name="width"/> columns wide.</summary>
    public static IRenderable Build(RepositorySnapshot? snapshot, string gatewayUrl, DateTimeOffset now, int width)
    {
        ArgumentNullException.ThrowIfNull(gatewayUrl);
        var worktrees = snapshot?.Worktrees ?? [];
        var title = $"grove up: {worktrees.Length} worktree(s) at {gatewayUrl}; Ctrl+C stops every app";
        var rows = worktrees.Select(w => new[]
        {
            w.Slug + (w.IsPrimary ? " *" : string.Empty),
            w.Branch ?? "(detached)",
            AppProgress.Of(w, now),
            w.Url,
            w.GatewayUrl,
            w.Database is { } database ? $"{database.Provider} {database.Name}" : "—",
        }).ToList();
        var states = worktrees.Select(w => StateStyle(w.State)).ToList();
        var error = snapshot?.ConfigError is { } message ? $"grove.json: {message}" : null;
        IRenderable view = TableWidth(rows) <= width
            ? Table(title, rows, states, error)
            : Lines(title, rows, states, error, width);
        var warnings = worktrees.Where(w => w.Warning is not null).Select(w => (IRenderable)new Text($"! {w.Slug}: {w.Warning}", new Style(Color.Yellow))).ToList();
        return warnings.Count == 0 ? view : new Rows([view, .. warnings]);
    }

    /// <summary>The view as plain text at <paramref name="width"/> columns (what a terminal that wide shows, without colours).</summary>
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
        console.Write(Build(snapshot, gatewayUrl, now, width));
        return writer.ToString();
    }

    /// <summary>The columns a rounded table needs to show every cell on one line: each column's widest cell, its padding (2) and border (1), and the closing border.</summary>
    private static int TableWidth(List<string[]> rows) =>
        Headers.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max() + 3).Sum() + 1;

    private static Table Table(string title, List<string[]> rows, List<Style> states, string? error)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in Headers)
        {
            table.AddColumn(new TableColumn(header).NoWrap());
        }

        table.Title = new TableTitle(Markup.Escape(title));
        table.Caption = error is null ? null : new TableTitle(Markup.Escape(error), new Style(Color.Red));
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = rows[i];
            table.AddRow(cells.Select((cell, c) => (IRenderable)new Text(cell, c == 2 ? states[i] : Style.Plain)).ToArray());
        }

        return table;
    }

    /// <summary>Too narrow for the table: per worktree a line with its slug, branch, state and database, then its URLs, whole, on their own line(s).</summary>
    private static Rows Lines(string title, List<string[]> rows, List<Style> states, string? error, int width)
    {
        List<IRenderable> lines = [new Text(title)];
        if (error is not null)
        {
            lines.Add(new Text(error, new Style(Color.Red)));
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var cells = rows[i];
            lines.Add(new Paragraph()
                .Append(cells[0], new Style(decoration: Decoration.Bold))
                .Append($"  {cells[1]}  ")
                .Append(cells[2], states[i])
                .Append($"  {cells[5]}"));
            var urls = $"    {cells[3]}  {cells[4]}";
            if (urls.Length <= width)
            {
                lines.Add(new Text(urls));
            }
            else
            {
                lines.Add(new Text($"    {cells[3]}"));
                lines.Add(new Text($"    {cells[4]}"));
            }
        }

        return new Rows(lines);
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
