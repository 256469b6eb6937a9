using System.Globalization;

namespace Grove.Worktrees;

/// <summary>The environment a worktree's app is given (ARCHITECTURE §2), in a stable order.</summary>
internal static class WorktreeEnvironment
{
    public static IReadOnlyList<KeyValuePair<string, string>> For(WorktreeSnapshot worktree)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        var port = worktree.Port.ToString(CultureInfo.InvariantCulture);
        List<KeyValuePair<string, string>> variables =
        [
            new("PORT", port),
            new("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"),
            new("GROVE_SLUG", worktree.Slug),
            new("GROVE_BRANCH", worktree.Branch ?? string.Empty),
            new("GROVE_URL", worktree.Url),
            new("GROVE_GATEWAY_URL", worktree.GatewayUrl),
        ];
        if (worktree.Issue is { } issue)
        {
            variables.Add(new("GROVE_ISSUE_NUMBER", issue.Number.ToString(CultureInfo.InvariantCulture)));
            variables.Add(new("GROVE_ISSUE_URL", issue.Url));
            variables.Add(new("GROVE_ISSUE_FILE", issue.File));
        }

        return variables;
    }
}
