using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grove.GitHub;

/// <summary>
/// Where <c>grove new --issue</c> keeps each issue: <c>&lt;state folder&gt;/issues/&lt;n&gt;.md</c> (the
/// issue as Markdown, <c>GROVE_ISSUE_FILE</c>) and <c>&lt;n&gt;.json</c> (number, title, URL), under
/// the repository's git directory, so no worktree's <c>git status</c> changes. A worktree's issue is
/// the one its branch (<c>issue-&lt;n&gt;-…</c>) names, when Grove wrote that issue.
/// </summary>
internal static partial class IssueFiles
{
    public static string Folder(string stateFolder) => Path.Combine(stateFolder, "issues");

    /// <summary>Writes the issue's files (replacing older ones) and returns what a worktree shows of it.</summary>
    public static WorktreeIssue Write(string stateFolder, GitHubIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var folder = Folder(stateFolder);
        Files.OwnerOnly.CreateFolder(folder);
        var markdown = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{issue.Number}.md"));
        Files.OwnerOnly.WriteAllText(markdown, issue.ToMarkdown());
        var described = new WorktreeIssue(issue.Number, issue.Title, issue.Url, markdown);
        Files.OwnerOnly.WriteAllText(Path.ChangeExtension(markdown, ".json"), JsonSerializer.Serialize(new Stored(issue.Number, issue.Title, issue.Url)));
        return described;
    }

    /// <summary>The issue of a worktree on <paramref name="branch"/>; null when its branch names none Grove wrote.</summary>
    public static WorktreeIssue? ForBranch(string stateFolder, string? branch)
    {
        if (branch is null || IssueBranch().Match(branch) is not { Success: true } match
            || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var json = Path.Combine(Folder(stateFolder), string.Create(CultureInfo.InvariantCulture, $"{number}.json"));
        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(json));
            return stored is null ? null : new WorktreeIssue(stored.Number, stored.Title, stored.Url, Path.ChangeExtension(json, ".md"));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // not written (a branch merely named like one), or unreadable: no issue shown
        }
    }

    [GeneratedRegex("^issue-([0-9]{1,18})(?:-|$)", RegexOptions.CultureInvariant)]
    private static partial Regex IssueBranch();

    private sealed record Stored(long Number, string Title, string Url);
}
