namespace Grove.GitHub;

/// <summary>The pull request whose head is a worktree's branch, as GitHub last reported it.</summary>
/// <param name="Number">Its number.</param>
/// <param name="Url">Its page on GitHub.</param>
/// <param name="State">Open, draft, merged or closed.</param>
/// <param name="Checks">Its head commit's checks and statuses, summed up.</param>
public sealed record PullRequestStatus(int Number, string Url, PullRequestState State, PullRequestChecks Checks)
{
    /// <summary>Merged or closed: the work of its branch is over.</summary>
    public bool IsFinished => State is PullRequestState.Merged or PullRequestState.Closed;
}

/// <summary>Where a pull request stands (<c>open</c>, <c>draft</c>, <c>merged</c>, <c>closed</c> in JSON).</summary>
public enum PullRequestState
{
    Open,
    Draft,
    Merged,
    Closed,
}

/// <summary>Its head commit's check runs and commit statuses together (<c>passing</c>, <c>failing</c>, <c>pending</c>, <c>none</c>).</summary>
public enum PullRequestChecks
{
    None,
    Pending,
    Passing,
    Failing,
}
