using System.Globalization;
using System.Text;

namespace Grove.GitHub;

/// <summary>An issue as <c>grove new --issue</c> read it: title, body, labels and every comment.</summary>
internal sealed record GitHubIssue(long Number, string Title, string? Body, string Url, string State, string? Author, IReadOnlyList<string> Labels, IReadOnlyList<GitHubIssueComment> Comments)
{
    /// <summary>Reads issue <paramref name="number"/> and all its comments (every page).</summary>
    public static async Task<GitHubIssue> ReadAsync(GitHubSession session, long number)
    {
        ArgumentNullException.ThrowIfNull(session);
        var repository = session.Repository;
        var notFound = $"{repository.FullName} has no issue #{number}";
        var issue = await session.CallAsync(c => c.Issue.Get(repository.Owner, repository.Name, number), notFound).ConfigureAwait(false);
        if (issue.PullRequest is not null)
        {
            throw new GroveException($"#{number} in {repository.FullName} is a pull request, not an issue", "pass the number of an issue");
        }

        var comments = await session.CallAsync(c => c.Issue.Comment.GetAllForIssue(repository.Owner, repository.Name, number, new Octokit.ApiOptions { PageSize = 100 }), notFound).ConfigureAwait(false);
        return new GitHubIssue(
            issue.Number,
            issue.Title ?? string.Empty,
            issue.Body,
            issue.HtmlUrl,
            issue.State.StringValue,
            issue.User?.Login,
            [.. (issue.Labels ?? []).Select(l => l.Name)],
            [.. comments.Select(c => new GitHubIssueComment(c.User?.Login, c.CreatedAt, c.Body ?? string.Empty))]);
    }

    /// <summary>The branch for the issue: <c>issue-&lt;number&gt;-&lt;title as a slug, at most 40 characters&gt;</c>.</summary>
    public string BranchName => BranchFor(Number, Title);

    /// <inheritdoc cref="BranchName"/>
    public static string BranchFor(long number, string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var slug = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // é → e
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString();
        if (text.Length > 40)
        {
            var cut = text[..40];
            text = text[40] != '-' && cut.LastIndexOf('-') is > 0 and var end ? cut[..end] : cut; // whole words when it can
        }

        text = text.Trim('-');
        return text.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"issue-{number}")
            : string.Create(CultureInfo.InvariantCulture, $"issue-{number}-{text}");
    }

    /// <summary>The issue as Markdown, for the agent that works on it.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {Title} (#{Number})\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- URL: {Url}\n- State: {State}\n");
        if (Author is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"- Opened by: @{Author}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- Labels: {(Labels.Count == 0 ? "(none)" : string.Join(", ", Labels))}\n\n");
        text.Append(string.IsNullOrWhiteSpace(Body) ? "(no description)" : Body.TrimEnd()).Append("\n\n");
        text.Append(CultureInfo.InvariantCulture, $"## Comments ({Comments.Count})\n");
        foreach (var comment in Comments)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n### @{comment.Author ?? "ghost"}, {comment.CreatedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC\n\n{comment.Body.TrimEnd()}\n");
        }

        return text.ToString();
    }
}

/// <summary>One comment on an issue.</summary>
internal sealed record GitHubIssueComment(string? Author, DateTimeOffset CreatedAt, string Body);
