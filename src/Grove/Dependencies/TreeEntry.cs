using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Grove.Dependencies;

/// <summary>One folder, file or symbolic link of an installed tree, as recorded in a cache manifest.</summary>
/// <param name="Path">Relative to the tree's root, '/'-separated.</param>
/// <param name="Kind">'d' folder, 'f' file, 'l' symbolic link.</param>
/// <param name="Size">A file's length; 0 otherwise.</param>
/// <param name="ModifiedTicks">A file's last-write time (UTC ticks); 0 otherwise.</param>
/// <param name="LinkTarget">A link's target, exactly as written (relative links stay relative).</param>
internal sealed record TreeEntry(string Path, char Kind, long Size, long ModifiedTicks, string? LinkTarget)
{
    public const char Folder = 'd';
    public const char File = 'f';
    public const char Link = 'l';

    public string ToLine() => string.Join('\t', Kind.ToString(), Size.ToString(CultureInfo.InvariantCulture), ModifiedTicks.ToString(CultureInfo.InvariantCulture), Path, LinkTarget ?? string.Empty);

    public static TreeEntry? Parse(string line)
    {
        var parts = line.Split('\t');
        return parts.Length == 5 && parts[0].Length == 1
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new TreeEntry(parts[3], parts[0][0], size, ticks, parts[0][0] == Link ? parts[4] : null)
            : null;
    }

    /// <summary>One hash over a whole tree's entries, times included: any edit, addition or removal changes it.</summary>
    public static string Digest(IEnumerable<TreeEntry> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(entry.ToLine() + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Same shape: kind, size and link target (the time is not compared: a copy gets its own).</summary>
    public bool SameShape(TreeEntry other) =>
        Kind == other.Kind && Size == other.Size && string.Equals(LinkTarget, other.LinkTarget, StringComparison.Ordinal);
}
