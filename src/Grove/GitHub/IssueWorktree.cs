using Grove.Hosting;

namespace Grove.GitHub;

/// <summary>
/// The GitHub half of <c>grove new --issue</c> (<see cref="CreateWorktreeRequest.Issue"/>): reads
/// the issue, writes it where the worktree's app finds it (<see cref="IssueFiles"/>), and names the
/// branch; <c>WorktreeCreation</c> then makes the worktree as for any branch (or opens the branch
/// when it exists).
/// </summary>
internal sealed class IssueWorktree(GroveHost host)
{
    public async Task<(CreateWorktreeRequest Request, WorktreeIssue Issue)> PrepareAsync(CreateWorktreeRequest request, long number, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (number <= 0)
        {
            throw new GroveException($"{number} is not an issue number", "pass the number GitHub shows after '#'");
        }

        var session = await host.OpenGitHubAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report($"reading issue #{number} of {session.Repository.FullName}");
        var issue = await GitHubIssue.ReadAsync(session, number).ConfigureAwait(false);
        var written = IssueFiles.Write(host.Catalog.Store.Folder, issue);
        var branch = issue.BranchName;
        progress?.Report($"issue #{number} \"{issue.Title}\" ({issue.Comments.Count} comment(s)) is in {written.File}; branch {branch}");
        return (request with { Branch = branch }, written);
    }
}
