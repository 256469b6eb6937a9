using Grove.Worktrees;

namespace Grove.Tests.Worktrees;

public class WorktreeListParserTests
{
    [Fact]
    public void Parse_AllAttributes_AreRead()
    {
        var output = string.Join('\0',
            "worktree /repo.git", "bare", string.Empty,
            "worktree /w/one two", "HEAD abc", "branch refs/heads/feature/x", "locked on a usb\ndrive", string.Empty,
            "worktree /w/line\nbreak", "HEAD def", "detached", "prunable gitdir file points to non-existent location", string.Empty,
            "worktree /w/plain", "HEAD 123", "branch refs/heads/main", "locked", "future-attribute value", string.Empty) + "\0";

        var entries = WorktreeListParser.Parse(output);

        Assert.Equal(4, entries.Count);
        Assert.True(entries[0].IsBare);
        Assert.Equal(("/w/one two", "feature/x", true, "on a usb\ndrive"), (entries[1].Path, entries[1].Branch, entries[1].IsLocked, entries[1].LockReason));
        Assert.Equal(("/w/line\nbreak", true, true), (entries[2].Path, entries[2].IsDetached, entries[2].IsPrunable));
        Assert.Null(entries[2].Branch);
        Assert.True(entries[3].IsLocked);
        Assert.Null(entries[3].LockReason);
    }

    [Fact]
    public void Parse_Empty_IsEmpty() => Assert.Empty(WorktreeListParser.Parse(string.Empty));

    [Fact]
    public void Parse_AttributeBeforeWorktree_IsAnError() =>
        Assert.Throws<FormatException>(() => WorktreeListParser.Parse("HEAD abc\0\0"));
}
