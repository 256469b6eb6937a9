namespace Grove.Dependencies;

/// <summary>
/// Installed trees kept under <c>deps/cache/&lt;key&gt;/</c>: the tree itself and a manifest of
/// every entry (kind, size, modification time, link target). An entry appears whole or not at
/// all (built aside, then renamed into place), is checked against its manifest on every use, and
/// is thrown away at the first doubt. A few entries per step are kept; older ones are removed.
/// </summary>
internal sealed class InstallCache(DependencyPaths paths)
{
    private const int EntriesKeptPerStep = 3;
    private const string TreeFolder = "tree";
    private const string ManifestFile = "manifest.tsv";
    private const string StepFile = "step";

    public bool Contains(string key) => File.Exists(Path.Combine(EntryFolder(key), ManifestFile));

    public string EntryFolder(string key) => Path.Combine(paths.Cache, key);

    /// <summary>
    /// Records the tree at <paramref name="source"/> (whose entries are <paramref name="entries"/>)
    /// as the install of <paramref name="key"/>. Returns null when stored (or already there), else why not.
    /// </summary>
    public string? Store(string key, string stepId, string source, IReadOnlyList<TreeEntry> entries, string worktreePath, bool allowHardlinks, CancellationToken cancellationToken)
    {
        if (Contains(key))
        {
            return null;
        }

        var pinned = entries.FirstOrDefault(e => e.Kind == TreeEntry.Link && Path.IsPathRooted(e.LinkTarget!)
            && e.LinkTarget!.StartsWith(Path.TrimEndingDirectorySeparator(worktreePath) + "/", StringComparison.Ordinal));
        if (pinned is not null)
        {
            return $"{pinned.Path} links to {pinned.LinkTarget}, inside this worktree: a copy would point back here";
        }

        DependencyPaths.CreateOwnerOnly(paths.Cache);
        var staging = Path.Combine(paths.Cache, $".staging-{Guid.NewGuid():N}");
        try
        {
            var tree = Path.Combine(staging, TreeFolder);
            new TreeCopier(allowHardlinks).Copy(source, tree, entries, checkSource: false, cancellationToken);
            var stored = TreeWalker.Walk(tree).ToList();
            if (stored.Count != entries.Count || stored.Zip(entries).Any(pair => pair.First.Path != pair.Second.Path || !pair.First.SameShape(pair.Second)))
            {
                return $"the copy of {source} differs from it (was it changed while being copied?)";
            }

            File.WriteAllLines(Path.Combine(staging, ManifestFile), stored.Select(e => e.ToLine()));
            File.WriteAllText(Path.Combine(staging, StepFile), stepId);
            try
            {
                Directory.Move(staging, EntryFolder(key));
            }
            catch (IOException) when (Contains(key))
            {
                // Another process stored the same install first: theirs is as good.
            }
        }
        finally
        {
            DependencyPaths.DeleteAside(staging);
        }

        Prune(stepId, key);
        return null;
    }

    /// <summary>
    /// Materialises entry <paramref name="key"/> as the new folder <paramref name="target"/> and
    /// checks the result. Returns the method used and the entries made; on any doubt removes
    /// what it made (and the entry, when the entry itself is the doubt) and throws <see cref="TreeChangedException"/>.
    /// </summary>
    public (CopyMethod Method, IReadOnlyList<TreeEntry> Entries) Materialise(string key, string target, bool allowHardlinks, CancellationToken cancellationToken)
    {
        var entry = EntryFolder(key);
        var tree = Path.Combine(entry, TreeFolder);
        var manifest = ReadManifest(entry);
        if (manifest is null)
        {
            Discard(key);
            throw new TreeChangedException($"the cache entry {entry} has a damaged manifest");
        }

        var copier = new TreeCopier(allowHardlinks);
        try
        {
            copier.Copy(tree, target, manifest, checkSource: true, cancellationToken);
        }
        catch (Exception ex) when (ex is TreeChangedException or IOException or UnauthorizedAccessException)
        {
            DependencyPaths.DeleteFolder(target);
            Discard(key);
            throw new TreeChangedException($"the cache entry {entry} could not be used: {ex.Message}");
        }
        catch
        {
            DependencyPaths.DeleteFolder(target);
            throw;
        }

        var made = TreeWalker.Walk(target).ToList();
        if (made.Count != manifest.Count || made.Zip(manifest).Any(pair => pair.First.Path != pair.Second.Path || !pair.First.SameShape(pair.Second)))
        {
            DependencyPaths.DeleteFolder(target);
            throw new TreeChangedException($"the tree materialised in {target} does not match the cache entry {entry}");
        }

        File.SetLastWriteTimeUtc(Path.Combine(entry, StepFile), DateTime.UtcNow);
        return (copier.Method, made);
    }

    public void Discard(string key) => DependencyPaths.DeleteAside(EntryFolder(key));

    private static List<TreeEntry>? ReadManifest(string entry)
    {
        var file = Path.Combine(entry, ManifestFile);
        if (!File.Exists(file))
        {
            return null;
        }

        var entries = new List<TreeEntry>();
        foreach (var line in File.ReadLines(file))
        {
            var parsed = TreeEntry.Parse(line);
            if (parsed is null)
            {
                return null;
            }

            entries.Add(parsed);
        }

        return entries;
    }

    /// <summary>
    /// Keeps the few most recently used entries of a step (the entry just stored always stays),
    /// and clears what a killed Grove left half stored or half deleted an hour ago or more.
    /// </summary>
    private void Prune(string stepId, string keep)
    {
        foreach (var leftover in Directory.EnumerateDirectories(paths.Cache)
            .Where(folder => Path.GetFileName(folder) is var name && (name.StartsWith(".staging-", StringComparison.Ordinal) || name.StartsWith(".deleting-", StringComparison.Ordinal)))
            .Where(folder => Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1)))
        {
            DependencyPaths.DeleteAside(leftover);
        }

        var old = Directory.EnumerateDirectories(paths.Cache)
            .Where(folder => !Path.GetFileName(folder).StartsWith('.'))
            .Select(folder => (folder, step: Path.Combine(folder, StepFile)))
            .Where(e => File.Exists(e.step) && File.ReadAllText(e.step) == stepId && Path.GetFileName(e.folder) != keep)
            .OrderByDescending(e => File.GetLastWriteTimeUtc(e.step))
            .Skip(EntriesKeptPerStep - 1)
            .ToList();
        foreach (var (folder, _) in old)
        {
            DependencyPaths.DeleteAside(folder);
        }
    }
}
