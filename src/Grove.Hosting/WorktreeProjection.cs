using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Grove.Contracts;
using Grove.Worktrees;

namespace Grove.Dashboard;

/// <summary>
/// A worktree's snapshot as a dashboard row: type, state, start time, URLs (gateway and direct)
/// and properties (branch, head, path, port, database without its password, install step, pull request and issue).
/// </summary>
internal static class WorktreeProjection
{
    public const string ResourceType = "Worktree";

    /// <summary>The property the dashboard nests rows by (its <c>KnownProperties.Resource.ParentName</c> is internal).</summary>
    public const string ParentNameProperty = "resource.parentName";

    public static CustomResourceSnapshot Apply(CustomResourceSnapshot previous, WorktreeSnapshot worktree, string parentName)
    {
        var answers = WorktreeStateDisplay.Answers(worktree.State);
        return previous with
        {
            ResourceType = ResourceType,
            State = WorktreeStateDisplay.Of(worktree.State),
            IsHidden = false,
            CreationTimeStamp = previous.CreationTimeStamp ?? DateTime.UtcNow,
            StartTimeStamp = worktree.StartedAt?.UtcDateTime,
            StopTimeStamp = null,
            Urls =
            [
                new UrlSnapshot("gateway", worktree.GatewayUrl, IsInternal: false) { DisplayProperties = new("Gateway", 0), IsInactive = !answers },
                new UrlSnapshot("direct", worktree.Url, IsInternal: false) { DisplayProperties = new("Direct", 1), IsInactive = !answers },
                .. worktree.PullRequest is { } pr
                    ? [new UrlSnapshot("pull-request", pr.Url, IsInternal: false) { DisplayProperties = new("Open pull request", 2) }]
                    : Array.Empty<UrlSnapshot>(),
            ],
            Relationships = [new RelationshipSnapshot(parentName, "Parent")],
            Properties = Properties(worktree, parentName),
        };
    }

    /// <summary>A removed worktree: hidden, its URLs gone, its row kept for a worktree re-created under the same slug.</summary>
    public static CustomResourceSnapshot Remove(CustomResourceSnapshot previous) => previous with
    {
        State = WorktreeStateDisplay.Removed,
        IsHidden = true,
        StopTimeStamp = DateTime.UtcNow,
        Urls = [],
    };

    private static ImmutableArray<ResourcePropertySnapshot> Properties(WorktreeSnapshot w, string parentName)
    {
        var properties = ImmutableArray.CreateBuilder<ResourcePropertySnapshot>();
        properties.Add(new ResourcePropertySnapshot(ParentNameProperty, parentName));
        properties.Add(new ResourcePropertySnapshot(CustomResourceKnownProperties.Source, w.Path));
        properties.Add(Property("grove.state", "Grove state", WorktreeStateNames.Of(w.State), highlighted: true));
        properties.Add(Property("grove.stateReason", "Reason", w.StateReason, highlighted: w.StateReason is not null));
        if (w.Warning is not null)
        {
            properties.Add(Property("grove.warning", "Warning", w.Warning, highlighted: true));
        }

        properties.Add(Property("grove.branch", "Branch", w.Branch ?? "(detached)", highlighted: true));
        properties.Add(Property("grove.head", "Head", w.Head));
        properties.Add(Property("grove.path", "Path", w.Path));
        properties.Add(Property("grove.port", "Port", w.Port.ToString(CultureInfo.InvariantCulture)));
        properties.Add(Property("grove.primary", "Primary", w.IsPrimary ? "yes" : "no"));
        if (w.IsLocked)
        {
            properties.Add(Property("grove.locked", "Locked", w.LockReason ?? "yes"));
        }

        if (w.IsPrunable)
        {
            properties.Add(Property("grove.prunable", "Prunable", w.PrunableReason ?? "yes", highlighted: true));
        }

        if (w.Database is { } database)
        {
            var state = database.State == WorktreeDatabase.Ready ? string.Empty : $" ({database.State})";
            properties.Add(Property("grove.database", "Database", $"{database.Provider}: {database.Name}{state}", highlighted: true));
            properties.Add(Property("grove.database.connection", "Database connection", database.Connection));
            if (database.Reason is not null)
            {
                properties.Add(Property("grove.database.reason", "Database problem", database.Reason, highlighted: true));
            }
        }

        if (w.PullRequest is { } pr)
        {
            var json = PullRequestJson.From(pr);
            properties.Add(Property("grove.pullRequest", "Pull request", $"#{json.Number} {json.State}{(pr.Checks == Grove.GitHub.PullRequestChecks.None ? string.Empty : $", checks {json.Checks}")}", highlighted: true));
        }

        if (w.Issue is { } issue)
        {
            properties.Add(Property("grove.issue", "Issue", $"#{issue.Number} {issue.Title} ({issue.Url})"));
        }

        if (w.Step is { } step)
        {
            properties.Add(Property("grove.step", "Step", $"{step.Name} (since {step.StartedAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)})", highlighted: true));
        }

        return properties.ToImmutable();
    }

    private static ResourcePropertySnapshot Property(string name, string displayName, string? value, bool highlighted = false) =>
        new(name, value) { DisplayName = displayName, IsHighlighted = highlighted };
}
