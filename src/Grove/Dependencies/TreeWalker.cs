namespace Grove.Dependencies;

/// <summary>Lists a tree without following symbolic links: every folder before what it holds.</summary>
internal static class TreeWalker
{
    public static IEnumerable<TreeEntry> Walk(string root)
    {
        var pending = new Stack<(DirectoryInfo Folder, string Relative)>();
        pending.Push((new DirectoryInfo(root), string.Empty));
        while (pending.Count > 0)
        {
            var (folder, relative) = pending.Pop();
            foreach (var item in folder.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var path = relative.Length == 0 ? item.Name : $"{relative}/{item.Name}";
                yield return Describe(item, path);
                if (item is DirectoryInfo directory && !IsLink(item))
                {
                    pending.Push((directory, path));
                }
            }
        }
    }

    public static TreeEntry Describe(FileSystemInfo item, string path)
    {
        if (IsLink(item) && item.LinkTarget is { } target)
        {
            return new TreeEntry(path, TreeEntry.Link, 0, 0, target);
        }

        return item is FileInfo file
            ? new TreeEntry(path, TreeEntry.File, file.Length, file.LastWriteTimeUtc.Ticks, null)
            : new TreeEntry(path, TreeEntry.Folder, 0, 0, null);
    }

    private static bool IsLink(FileSystemInfo item) => (item.Attributes & FileAttributes.ReparsePoint) != 0;

    /// <summary>The entry at <paramref name="path"/> under <paramref name="root"/>, or null when there is nothing there.</summary>
    public static TreeEntry? Stat(string root, string path)
    {
        var full = Path.Combine(root, path);
        FileSystemInfo info = new FileInfo(full);
        if (!info.Exists && info.LinkTarget is null)
        {
            info = new DirectoryInfo(full);
            if (!info.Exists)
            {
                return null;
            }
        }

        return Describe(info, path);
    }
}
