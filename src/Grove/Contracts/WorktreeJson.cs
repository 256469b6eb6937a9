using System.Text.Json.Serialization;
using Grove.Worktrees;

namespace Grove.Contracts;

/// <summary>One worktree in <c>grove ls --json</c> and <c>grove url --json</c>: a public contract (README).</summary>
public sealed record WorktreeJson(
    string Slug,
    string? Branch,
    string Path,
    string? Head,
    bool Primary,
    bool Detached,
    int Port,
    string Url,
    string GatewayUrl,
    string State,
    string? StateReason,
    string Health,
    bool Locked,
    string? LockReason,
    bool Prunable,
    string? PrunableReason,
    DatabaseJson? Database,
    StepJson? Step = null,
    DateTimeOffset? StartedAt = null,
    IssueJson? Issue = null,
    PullRequestJson? PullRequest = null,
    string? Warning = null)
{
    /// <summary>The worktree as its snapshot has it, its database included (provider, name, connection string without password).</summary>
    public static WorktreeJson From(WorktreeSnapshot w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new(
            w.Slug, w.Branch, w.Path, w.Head, w.IsPrimary, w.IsDetached, w.Port, w.Url, w.GatewayUrl,
            WorktreeStateNames.Of(w.State), w.StateReason, HealthOf(w.State), w.IsLocked, w.LockReason, w.IsPrunable, w.PrunableReason,
            w.Database is { } database ? new DatabaseJson(database.Provider, database.Name, database.Connection, database.State, database.Reason) : null,
            w.Step is { } step ? new StepJson(step.Name, step.StartedAt) : null,
            w.StartedAt,
            w.Issue is { } issue ? new IssueJson(issue.Number, issue.Title, issue.Url) : null,
            w.PullRequest is { } pr ? PullRequestJson.From(pr) : null,
            w.Warning);
    }

    /// <summary><c>healthy</c> (running), <c>unhealthy</c>, or <c>unknown</c> (not running, or not checked yet).</summary>
    public static string HealthOf(WorktreeState state) => state switch
    {
        WorktreeState.Running => "healthy",
        WorktreeState.Unhealthy => "unhealthy",
        _ => "unknown",
    };
}

/// <summary>A worktree's database as scripts see it: never a password.</summary>
/// <param name="State"><c>ready</c>, <c>pending</c> (configured, not made yet), <c>unfinished</c> (an interrupted run's copy) or <c>failed</c>.</param>
/// <param name="Reason">Why it failed; null otherwise.</param>
public sealed record DatabaseJson(string Provider, string Name, string ConnectionString, string State = "ready", string? Reason = null);

/// <summary>The GitHub issue a worktree was made for (<c>grove new --issue</c>).</summary>
public sealed record IssueJson(long Number, string Title, string Url);

/// <summary>The pull request whose head is the worktree's branch.</summary>
/// <param name="State"><c>open</c>, <c>draft</c>, <c>merged</c> or <c>closed</c>.</param>
/// <param name="Checks"><c>passing</c>, <c>failing</c>, <c>pending</c> or <c>none</c>.</param>
public sealed record PullRequestJson(int Number, string Url, string State, string Checks)
{
    public static PullRequestJson From(GitHub.PullRequestStatus pr)
    {
        ArgumentNullException.ThrowIfNull(pr);
        return new(pr.Number, pr.Url, pr.State.ToString().ToLowerInvariant(), pr.Checks.ToString().ToLowerInvariant());
    }
}

/// <summary>The step before the app's start that runs now: <c>install</c> or <c>database</c>, and since when.</summary>
public sealed record StepJson(string Name, DateTimeOffset StartedAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WorktreeJson))]
[JsonSerializable(typeof(List<WorktreeJson>))]
internal sealed partial class ContractJson : JsonSerializerContext
{
    /// <summary>The same shapes on one line (for event streams).</summary>
    public static ContractJson Compact => CompactInstance.Value;

    private static readonly Lazy<ContractJson> CompactInstance = new(() =>
        new ContractJson(new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
}
