using Octokit;

namespace Grove.GitHub;

/// <summary>
/// Reads, through Octokit, the pull requests whose heads are given branches, and their head
/// commits' checks. Every GET goes through the shared ETag cache (<see cref="DiskResponseCache"/>),
/// so an unchanged answer is a 304.
/// </summary>
internal static class PullRequestReader
{
    /// <summary>How many pages (of 100) of the repository's pull requests, most recently updated first, one poll reads.</summary>
    public const int MaxPages = 3;

    /// <summary>The pull request of each of <paramref name="branches"/> that has one (an open one before a closed one, else the newest).</summary>
    public static async Task<Dictionary<string, PullRequestStatus>> ReadAsync(GitHubSession session, IReadOnlyCollection<string> branches)
    {
        ArgumentNullException.ThrowIfNull(session);
        var repository = session.Repository;
        var request = new PullRequestRequest { State = ItemStateFilter.All, SortProperty = PullRequestSort.Updated, SortDirection = SortDirection.Descending };
        var pulls = await session.CallAsync(c => c.PullRequest.GetAllForRepository(repository.Owner, repository.Name, request, new ApiOptions { PageSize = 100, PageCount = MaxPages })).ConfigureAwait(false);
        return await StatusesAsync(session, pulls, branches).ConfigureAwait(false);
    }

    /// <summary>The pull request whose head is <paramref name="branch"/>, read now (one request, by head); null when there is none.</summary>
    public static async Task<(PullRequest Pull, PullRequestStatus Status)?> ReadOneAsync(GitHubSession session, string branch)
    {
        ArgumentNullException.ThrowIfNull(session);
        var repository = session.Repository;
        var request = new PullRequestRequest { State = ItemStateFilter.All, Head = $"{repository.Owner}:{branch}" };
        var pulls = await session.CallAsync(c => c.PullRequest.GetAllForRepository(repository.Owner, repository.Name, request)).ConfigureAwait(false);
        var pull = Pick(pulls.Where(p => p.Head?.Ref == branch));
        return pull is null ? null : (pull, await StatusOfAsync(session, pull).ConfigureAwait(false));
    }

    private static async Task<Dictionary<string, PullRequestStatus>> StatusesAsync(GitHubSession session, IReadOnlyList<PullRequest> pulls, IReadOnlyCollection<string> branches)
    {
        var wanted = branches.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, PullRequestStatus>(StringComparer.Ordinal);
        foreach (var group in pulls.Where(p => p.Head?.Ref is { } head && wanted.Contains(head)).GroupBy(p => p.Head.Ref, StringComparer.Ordinal))
        {
            result[group.Key] = await StatusOfAsync(session, Pick(group)!).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>An open pull request before a closed one; the most recently updated among equals.</summary>
    private static PullRequest? Pick(IEnumerable<PullRequest> pulls) =>
        pulls.OrderByDescending(p => p.State.Value == ItemState.Open).ThenByDescending(p => p.UpdatedAt).FirstOrDefault();

    private static async Task<PullRequestStatus> StatusOfAsync(GitHubSession session, PullRequest pull)
    {
        var state = pull.MergedAt is not null || pull.Merged ? PullRequestState.Merged
            : pull.State.Value == ItemState.Closed ? PullRequestState.Closed
            : pull.Draft ? PullRequestState.Draft
            : PullRequestState.Open;
        var checks = state is PullRequestState.Open or PullRequestState.Draft && pull.Head?.Sha is { Length: > 0 } sha
            ? await ChecksAsync(session, sha).ConfigureAwait(false)
            : PullRequestChecks.None;
        return new PullRequestStatus(pull.Number, pull.HtmlUrl, state, checks);
    }

    /// <summary>Check runs and commit statuses of a commit together: failing wins, then pending, then passing.</summary>
    private static async Task<PullRequestChecks> ChecksAsync(GitHubSession session, string sha)
    {
        var repository = session.Repository;
        var runs = await session.CallAsync(c => c.Check.Run.GetAllForReference(repository.Owner, repository.Name, sha)).ConfigureAwait(false);
        var combined = await session.CallAsync(c => c.Repository.Status.GetCombined(repository.Owner, repository.Name, sha)).ConfigureAwait(false);
        var outcomes = new List<PullRequestChecks>();
        foreach (var run in runs.CheckRuns)
        {
            outcomes.Add(run.Status.Value != CheckStatus.Completed ? PullRequestChecks.Pending
                : run.Conclusion?.Value is CheckConclusion.Success or CheckConclusion.Neutral or CheckConclusion.Skipped ? PullRequestChecks.Passing
                : PullRequestChecks.Failing);
        }

        if (combined.TotalCount > 0)
        {
            outcomes.Add(combined.State.Value switch
            {
                CommitState.Success => PullRequestChecks.Passing,
                CommitState.Pending => PullRequestChecks.Pending,
                _ => PullRequestChecks.Failing,
            });
        }

        return outcomes.Count == 0 ? PullRequestChecks.None
            : outcomes.Contains(PullRequestChecks.Failing) ? PullRequestChecks.Failing
            : outcomes.Contains(PullRequestChecks.Pending) ? PullRequestChecks.Pending
            : PullRequestChecks.Passing;
    }
}
