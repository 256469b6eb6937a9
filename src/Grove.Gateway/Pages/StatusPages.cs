using System.Text.Encodings.Web;
using Grove.Contracts;
using Grove.Worktrees;

namespace Grove.Gateway.Pages;

/// <summary>The gateway's own answers for worktree hosts it cannot forward.</summary>
internal static class StatusPages
{
    /// <summary>404: no worktree has this slug; lists the ones that exist.</summary>
    public static string UnknownHost(string host, RepositorySnapshot? snapshot, int gatewayPort)
    {
        var html = HtmlEncoder.Default;
        var items = string.Concat((snapshot?.Worktrees ?? []).Select(w =>
            $"<li><a href=\"http://{html.Encode(w.Slug)}.localhost:{gatewayPort}/\">{html.Encode(w.Slug)}</a> ({html.Encode(w.Branch ?? "detached")}, {WorktreeStateNames.Of(w.State)})</li>"));
        return Page("No such worktree", $"""
            <p>No worktree answers to <code>{html.Encode(host)}</code>.</p>
            <p>Known worktrees:</p><ul>{(items.Length == 0 ? "<li>none</li>" : items)}</ul>
            <p><a href="http://localhost:{gatewayPort}/">All worktrees</a></p>
            """);
    }

    /// <summary>503: the worktree exists but its app is not running; names its state and why.</summary>
    public static string NotRunning(WorktreeSnapshot worktree, int gatewayPort)
    {
        var html = HtmlEncoder.Default;
        var reason = worktree.StateReason is null ? string.Empty : $"<p>{html.Encode(worktree.StateReason)}</p>";
        return Page($"{worktree.Slug} is {WorktreeStateNames.Of(worktree.State)}", $"""
            <p>The app of worktree <code>{html.Encode(worktree.Slug)}</code> (branch <code>{html.Encode(worktree.Branch ?? "detached")}</code>) is <strong>{WorktreeStateNames.Of(worktree.State)}</strong>.</p>
            {reason}
            <p>See <code>grove logs {html.Encode(worktree.Slug)}</code>{(worktree.State == WorktreeState.Stopped ? $", start it with <code>grove start {html.Encode(worktree.Slug)}</code>" : string.Empty)}, or <a href="http://localhost:{gatewayPort}/">all worktrees</a>. This page reloads by itself.</p>
            <script>setTimeout(() => location.reload(), 2000)</script>
            """);
    }

    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{HtmlEncoder.Default.Encode(title)}} · Grove</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}code{background:#f3f3f3;padding:0 .2em}td,th{padding:.2em .6em;border-bottom:1px solid #ddd}td a{white-space:nowrap}</style></head>
        <body><h1>{{HtmlEncoder.Default.Encode(title)}}</h1>
        {{body}}
        </body></html>
        """;
}
