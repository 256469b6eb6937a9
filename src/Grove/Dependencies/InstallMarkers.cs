namespace Grove.Dependencies;

/// <summary>
/// Which inputs each worktree's steps were last installed from, kept under the state folder
/// (<c>deps/worktrees/&lt;hash of path&gt;/</c>). A marker is removed before an install touches
/// its output and written after the install succeeded, so a marker always means "complete". For
/// a reusable step it also holds the digest of the tree as it was installed, so another worktree
/// copies it only while it is still exactly that tree.
/// </summary>
internal sealed class InstallMarkers(DependencyPaths paths)
{
    private const string PathFile = "path";

    public string? Read(string worktreePath, string stepId)
    {
        var file = MarkerFile(worktreePath, stepId);
        return File.Exists(file) ? File.ReadAllLines(file).FirstOrDefault() : null;
    }

    public void Write(string worktreePath, string stepId, string key, string? treeDigest)
    {
        var folder = Folder(worktreePath);
        DependencyPaths.CreateOwnerOnly(folder);
        File.WriteAllText(Path.Combine(folder, PathFile), worktreePath);
        var file = MarkerFile(worktreePath, stepId);
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        File.WriteAllLines(temporary, [key, stepId, treeDigest ?? string.Empty]);
        File.Move(temporary, file, overwrite: true);
    }

    public void Remove(string worktreePath, string stepId)
    {
        var file = MarkerFile(worktreePath, stepId);
        if (File.Exists(file))
        {
            File.Delete(file);
        }
    }

    /// <summary>Other worktrees whose step <paramref name="stepId"/> was installed from <paramref name="key"/>, with the digest of the tree they got.</summary>
    public IEnumerable<(string Worktree, string TreeDigest)> WorktreesWith(string stepId, string key, string exceptWorktree)
    {
        if (!Directory.Exists(paths.Worktrees))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(paths.Worktrees))
        {
            var pathFile = Path.Combine(folder, PathFile);
            if (!File.Exists(pathFile))
            {
                continue;
            }

            var worktree = File.ReadAllText(pathFile);
            var marker = MarkerFile(worktree, stepId);
            if (worktree == exceptWorktree || !File.Exists(marker))
            {
                continue;
            }

            var lines = File.ReadAllLines(marker);
            if (lines.Length >= 3 && lines[0] == key && lines[2].Length > 0 && Directory.Exists(worktree))
            {
                yield return (worktree, lines[2]);
            }
        }
    }

    private string Folder(string worktreePath) => Path.Combine(paths.Worktrees, DependencyPaths.ShortHash(worktreePath));

    private string MarkerFile(string worktreePath, string stepId) => Path.Combine(Folder(worktreePath), DependencyPaths.ShortHash(stepId));
}
