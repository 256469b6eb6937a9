using System.Text.RegularExpressions;

namespace Grove.Gateway.Mcp;

/// <summary>
/// The engine's fixes are written for the CLI (<c>pass --force</c>, <c>--delete-branch</c>,
/// <c>see 'grove logs x'</c>); an agent calling a tool has none of those flags. This says the same
/// advice in the tools' own terms: their arguments, <c>get_logs</c>, and that no tool discards work.
/// </summary>
internal static partial class AgentAdvice
{
    private const string NeverForces = "remove_worktree never discards work: a person can, with 'grove rm --force'";

    /// <summary>An error or fix from the engine, said for an agent that calls the tools.</summary>
    public static string? ForTools(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var said = ForceOffer().Replace(text, $" ({NeverForces})");
        said = LogsHint().Replace(said, "read lastLogLines (get_logs for more)");
        return said
            .Replace("drop --delete-branch", "pass deleteBranch: false", StringComparison.Ordinal)
            .Replace("--delete-branch", "deleteBranch", StringComparison.Ordinal)
            .Replace("drop --db-from", "leave out databaseFrom", StringComparison.Ordinal)
            .Replace("--db-from", "databaseFrom", StringComparison.Ordinal);
    }

    /// <summary>", or pass --force", ", or pass --force to discard them", ", or pass --force to delete them".</summary>
    [GeneratedRegex(@", or pass --force( to (discard|delete) them)?")]
    private static partial Regex ForceOffer();

    /// <summary>"see 'grove logs feature-x'".</summary>
    [GeneratedRegex(@"see 'grove logs [^']*'")]
    private static partial Regex LogsHint();
}
