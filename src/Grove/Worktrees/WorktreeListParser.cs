namespace Grove.Worktrees;

/// <summary>
/// Parses <c>git worktree list --porcelain -z</c>: attributes end with NUL and a record ends with
/// an empty attribute, so paths may hold spaces, newlines or any other byte but NUL.
/// </summary>
internal static class WorktreeListParser
{
    public static IReadOnlyList<WorktreeEntry> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new List<WorktreeEntry>();
        WorktreeEntry? current = null;
        foreach (var field in output.Split('\0'))
        {
            if (field.Length == 0)
            {
                if (current is not null)
                {
                    entries.Add(current);
                    current = null;
                }

                continue;
            }

            var space = field.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? field : field[..space];
            var value = space < 0 ? null : field[(space + 1)..];
            if (key == "worktree")
            {
                if (current is not null)
                {
                    entries.Add(current);
                }

                current = new WorktreeEntry(value ?? throw Malformed(field));
                continue;
            }

            current = Apply(current ?? throw Malformed(field), key, value);
        }

        if (current is not null)
        {
            entries.Add(current);
        }

        return entries;
    }

    private static WorktreeEntry Apply(WorktreeEntry entry, string key, string? value) => key switch
    {
        "HEAD" => entry with { Head = value },
        "branch" => entry with { BranchRef = value },
        "bare" => entry with { IsBare = true },
        "detached" => entry with { IsDetached = true },
        "locked" => entry with { IsLocked = true, LockReason = value },
        "prunable" => entry with { IsPrunable = true, PrunableReason = value },
        _ => entry, // newer git versions may add attributes; ignoring them is safe
    };

    private static FormatException Malformed(string field) =>
        new($"unexpected output from 'git worktree list --porcelain -z' near '{field}'");
}
