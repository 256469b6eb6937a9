using System.Globalization;

namespace Grove.Ports;

/// <summary>
/// Which program listens on a TCP port, read from Linux's <c>/proc</c>: the listening socket's
/// inode from <c>/proc/net/tcp</c> and <c>tcp6</c>, then the process that holds a descriptor of it.
/// Only processes whose descriptors this user may read are found (the user's own); null otherwise.
/// </summary>
internal static class PortHolder
{
    private const string Listen = "0A";

    /// <summary>For example <c>node (process 4242)</c>; null when no listener is seen or its process is not readable.</summary>
    public static string? Describe(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        try
        {
            var inodes = ListeningInodes("/proc/net/tcp", port).Concat(ListeningInodes("/proc/net/tcp6", port))
                .Select(inode => $"socket:[{inode}]").ToHashSet(StringComparer.Ordinal);
            if (inodes.Count == 0)
            {
                return null;
            }

            foreach (var process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !Holds(process, inodes))
                {
                    continue;
                }

                var name = File.ReadAllText(Path.Combine(process, "comm")).Trim();
                return string.Create(CultureInfo.InvariantCulture, $"{name} (process {pid})");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc changed under us, or is not readable: the holder stays unnamed.
        }

        return null;
    }

    private static IEnumerable<string> ListeningInodes(string table, int port)
    {
        if (!File.Exists(table))
        {
            yield break;
        }

        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[3] == Listen && fields[1].EndsWith($":{hexPort}", StringComparison.Ordinal) && fields[9] != "0")
            {
                yield return fields[9];
            }
        }
    }

    private static bool Holds(string process, HashSet<string> sockets)
    {
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && sockets.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's process, or one that just ended.
        }

        return false;
    }
}
