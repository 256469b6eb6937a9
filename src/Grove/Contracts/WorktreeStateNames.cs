using Grove.Worktrees;

namespace Grove.Contracts;

/// <summary>State names as scripts see them: camelCase (<c>running</c>, <c>branchingDatabase</c>).</summary>
public static class WorktreeStateNames
{
    public static string Of(WorktreeState state)
    {
        var name = state.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
