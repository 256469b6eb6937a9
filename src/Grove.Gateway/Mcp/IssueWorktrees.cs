using ModelContextProtocol.Protocol;

namespace Grove.Gateway.Mcp;

/// <summary>
/// <c>create_worktree</c> with a GitHub issue number: the one place to wire to the engine's
/// issue → branch use case once GitHub is configured in Grove.
/// </summary>
internal static class IssueWorktrees
{
    /// <summary>The tool error for an issue while Grove has no GitHub connection.</summary>
    public static CallToolResult BranchFor(int issue) => ToolJson.Error(
        $"GitHub is not configured, so issue #{issue} cannot be turned into a branch",
        "pass `branch` instead (for example issue-" + issue.ToString(System.Globalization.CultureInfo.InvariantCulture) + "), or configure GitHub for Grove once it is supported");
}
