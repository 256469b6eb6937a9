namespace Grove.Dependencies;

/// <summary>
/// Which inputs each worktree's steps were last installed from, kept under the state folder
/// (<c>deps/worktrees/&lt;hash of path&gt;/</c>). A marker is removed before an install touches
/// its output and written after the install succeeded, so a marker always means "complete".
/// </summary>
internal sealed class InstallMarkers(DependencyPaths paths)
{
    private const string PathFile = "path";

    public string? Read(string worktreePath, string stepId)
    {
        var file = MarkerFile(worktreePath, stepId);
        return File.Exists(file) ? File.ReadAllLines(file).FirstOrDefault() : null;
    }

    public void Write(string worktreePath, string stepId, string key)
    {
        var folder = Folder(worktreePath);
        DependencyPaths.CreateOwnerOnly(folder);
        File.WriteAllText(Path.Combine(folder, PathFile), worktreePath);
        var file = MarkerFile(worktreePath, stepId);
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        File.WriteAllLines(temporary, [key, stepId]);
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

    /// <summary>Other worktrees whose step <paramref name="stepId"/> was installed from <paramref name="key"/>.</summary>
    public IEnumerable<string> WorktreesWith(string stepId, string key, string exceptWorktree)
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
            if (worktree != exceptWorktree && Directory.Exists(worktree) && Read(worktree, stepId) == key)
            {
                yield return worktree;
            }
        }
    }

    private string Folder(string worktreePath) => Path.Combine(paths.Worktrees, DependencyPaths.ShortHash(worktreePath));

    private string MarkerFile(string worktreePath, string stepId) => Path.Combine(Folder(worktreePath), DependencyPaths.ShortHash(stepId));
}
