using System.Security.Cryptography;
using System.Text;

namespace Grove.Dependencies;

/// <summary>
/// Where dependency installs keep their records, all under <c>&lt;git-common-dir&gt;/grove/deps</c>
/// (never in a working tree): <c>cache/&lt;key&gt;</c> holds installed trees, <c>worktrees/</c>
/// what each worktree has installed, <c>locks/</c> one lock per worktree.
/// </summary>
internal sealed class DependencyPaths
{
    public DependencyPaths(string commonGitDirectory)
    {
        Root = Path.Combine(commonGitDirectory, "grove", "deps");
        Cache = Path.Combine(Root, "cache");
        Worktrees = Path.Combine(Root, "worktrees");
        Locks = Path.Combine(Root, "locks");
    }

    public string Root { get; }

    public string Cache { get; }

    public string Worktrees { get; }

    public string Locks { get; }

    /// <summary>A short stable name for a path or step id, safe as a file name.</summary>
    public static string ShortHash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();

    /// <summary>Creates <paramref name="folder"/> (and the grove folder above it) readable by the owner only.</summary>
    public static void CreateOwnerOnly(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Removes a folder of the state folder by first renaming it aside, so nobody ever sees it half deleted.</summary>
    public static void DeleteAside(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder))!;
        var aside = Path.Combine(parent, $".deleting-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(folder, aside);
        }
        catch (IOException)
        {
            aside = folder;
        }

        DeleteFolder(aside);
    }

    /// <summary>
    /// Removes a folder in place (used in working trees, where a renamed copy would show in
    /// <c>git status</c>). Symbolic links inside are removed, never followed; a link is removed as a link.
    /// </summary>
    public static void DeleteFolder(string folder)
    {
        var info = new DirectoryInfo(folder);
        if (info.LinkTarget is not null)
        {
            info.Delete();
        }
        else if (info.Exists)
        {
            info.Delete(recursive: true);
        }
        else if (File.Exists(folder))
        {
            File.Delete(folder);
        }
    }
}
