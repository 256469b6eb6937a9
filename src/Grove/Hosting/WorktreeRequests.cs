namespace Grove.Hosting;

/// <summary>A new worktree (<c>grove new</c>): a branch to create, or an existing one to open.</summary>
/// <param name="Branch">The branch name; with <see cref="Issue"/>, ignored: the branch is <c>issue-&lt;number&gt;-&lt;title slug&gt;</c>.</param>
public sealed record CreateWorktreeRequest(string Branch)
{
    /// <summary>
    /// A worktree for this GitHub issue (<c>grove new --issue</c>): the issue is read (title, body,
    /// labels, comments) and written as Markdown outside the working tree, and the worktree's app
    /// gets <c>GROVE_ISSUE_FILE</c>, <c>GROVE_ISSUE_NUMBER</c> and <c>GROVE_ISSUE_URL</c>.
    /// </summary>
    public long? Issue { get; init; }

    /// <summary>A worktree for GitHub issue <paramref name="number"/>, on its branch <c>issue-&lt;number&gt;-&lt;title slug&gt;</c>.</summary>
    public static CreateWorktreeRequest ForIssue(long number) => new(string.Empty) { Issue = number };

    /// <summary>Where a new branch starts (branch, tag or commit); null: <see cref="StartDirectory"/>'s HEAD.</summary>
    public string? From { get; init; }

    /// <summary>The worktree's folder; null: <c>../&lt;repo&gt;-&lt;slug&gt;</c> beside the repository.</summary>
    public string? Path { get; init; }

    /// <summary>Copy this worktree's current data (slug, branch or folder) instead of branching the template.</summary>
    public string? DatabaseFrom { get; init; }

    /// <summary>The folder whose HEAD a new branch starts from when <see cref="From"/> is null; null: the primary worktree.</summary>
    public string? StartDirectory { get; init; }
}

/// <summary>The removal of a worktree (<c>grove rm</c>).</summary>
/// <param name="Worktree">Its slug, branch or folder.</param>
public sealed record RemoveWorktreeRequest(string Worktree)
{
    /// <summary>Remove even with uncommitted, untracked or ignored files (they are lost), or when locked.</summary>
    public bool Force { get; init; }

    /// <summary>Also delete its branch; refused before anything is removed when the branch is not merged.</summary>
    public bool DeleteBranch { get; init; }

    /// <summary>Keep its database (by default Grove drops the one it made).</summary>
    public bool KeepDatabase { get; init; }
}
