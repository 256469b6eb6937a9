using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Grove.Ports;

/// <summary>
/// The preferred port of a worktree (ARCHITECTURE §2): the primary gets <c>base</c>; any other
/// gets <c>base + 1 + (u32be(SHA-256(UTF-8 name))[0..4] mod (range - 1))</c>.
/// </summary>
internal static class PortFormula
{
    public static int Preferred(string name, bool isPrimary, PortRange range)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(range);
        if (isPrimary)
        {
            return range.Base;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var value = BinaryPrimitives.ReadUInt32BigEndian(digest);
        return range.Base + 1 + (int)(value % (uint)(range.Size - 1));
    }

    /// <summary>
    /// Candidates in probe order: the preferred port, then upward, wrapping inside the range's
    /// non-primary part (<c>base+1 … base+range-1</c>); the primary's <c>base</c> comes first for it.
    /// </summary>
    public static IEnumerable<int> ProbeOrder(string name, bool isPrimary, PortRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var preferred = Preferred(name, isPrimary, range);
        var first = isPrimary ? range.Base + 1 : preferred;
        if (isPrimary)
        {
            yield return range.Base;
        }

        var span = range.Size - 1;
        for (var i = 0; i < span; i++)
        {
            yield return range.Base + 1 + ((first - range.Base - 1 + i) % span);
        }
    }
}
