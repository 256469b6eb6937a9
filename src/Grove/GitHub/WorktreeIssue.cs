namespace Grove.GitHub;

/// <summary>The GitHub issue a worktree was made for (<c>grove new --issue</c>).</summary>
/// <param name="Number">The issue's number.</param>
/// <param name="Title">Its title when the worktree was made.</param>
/// <param name="Url">Its page on GitHub.</param>
/// <param name="File">The issue as Markdown, outside the working tree (<c>GROVE_ISSUE_FILE</c>).</param>
public sealed record WorktreeIssue(long Number, string Title, string Url, string File);
