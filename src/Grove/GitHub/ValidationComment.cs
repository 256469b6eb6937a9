using System.Globalization;
using System.Text;
using Grove.Contracts;
using Grove.Hosting;
using Grove.Worktrees;
using Octokit;

namespace Grove.GitHub;

/// <summary>
/// <c>grove pr comment</c>: one comment per pull request with a worktree's validation evidence,
/// found again by <see cref="Marker"/> and updated in place on every later run.
/// </summary>
internal static class ValidationComment
{
    /// <summary>The hidden line that marks Grove's comment.</summary>
    public const string Marker = "<!-- grove:validation -->";

    public static async Task<CommandResult> PostAsync(GroveHost host, WorktreeSnapshot worktree, string? report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(worktree);
        if (worktree.Branch is not { } branch)
        {
            return CommandResult.Refused($"the worktree {worktree.Slug} is on no branch (detached HEAD), so no pull request has it as its head", "check out the branch of the pull request in it");
        }

        var session = await host.OpenGitHubAsync(cancellationToken).ConfigureAwait(false);
        session.RequireToken("commenting on a pull request");
        var found = await PullRequestReader.ReadOneAsync(session, branch).ConfigureAwait(false);
        if (found is not { } pr)
        {
            return CommandResult.Refused(
                $"no pull request of {session.Repository.FullName} has the branch '{branch}' as its head",
                $"push the branch and open one (for example 'gh pr create --head {branch}'), then run 'grove pr comment' again");
        }

        var repository = session.Repository;
        var number = pr.Status.Number;
        var body = Render(worktree, branch, report, DateTimeOffset.UtcNow);
        var comments = await session.CallAsync(c => c.Issue.Comment.GetAllForIssue(repository.Owner, repository.Name, number, new ApiOptions { PageSize = 100 })).ConfigureAwait(false);
        var mine = comments.FirstOrDefault(c => c.Body?.Contains(Marker, StringComparison.Ordinal) == true);
        var written = mine is null
            ? await session.CallAsync(c => c.Issue.Comment.Create(repository.Owner, repository.Name, number, body)).ConfigureAwait(false)
            : await session.CallAsync(c => c.Issue.Comment.Update(repository.Owner, repository.Name, mine.Id, body)).ConfigureAwait(false);
        return CommandResult.Done(
            $"{(mine is null ? "posted" : "updated")} the validation comment on pull request #{number} ({written.HtmlUrl ?? pr.Status.Url})",
            worktree with { PullRequest = pr.Status });
    }

    /// <summary>The comment: the marker, then commit, app, database and time, then the report.</summary>
    public static string Render(WorktreeSnapshot worktree, string branch, string? report, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        var text = new StringBuilder();
        text.Append(Marker).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"### Grove validation of `{branch}`\n\n");
        text.Append("| | |\n|---|---|\n");
        text.Append(CultureInfo.InvariantCulture, $"| Commit | `{worktree.Head ?? "(none)"}` |\n");
        text.Append(CultureInfo.InvariantCulture, $"| App | {WorktreeJson.HealthOf(worktree.State)} ({WorktreeStateNames.Of(worktree.State)}{(worktree.StateReason is { } reason ? $": {Cell(reason)}" : string.Empty)}) at {worktree.Url} and {worktree.GatewayUrl} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Database | {(worktree.Database is { } database ? $"{database.Provider} `{database.Name}` ({database.State})" : "none")} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Checked | {at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC |\n");
        if (!string.IsNullOrWhiteSpace(report))
        {
            text.Append("\n#### Report\n\n").Append(report.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static string Cell(string value) => value.Replace('|', '/').Replace('\n', ' ');
}
