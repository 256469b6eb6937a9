using System.Globalization;
using System.Net;

namespace Grove.Ports;

/// <summary>
/// Which addresses beyond loopback a TCP port is listened on (0.0.0.0, ::, a LAN address), read
/// from the kernel's socket tables <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>: an app bound
/// there is reachable from the network, which Grove's loopback-only gateway cannot prevent.
/// Linux only: on other systems it finds nothing (and Grove then shows no warning).
/// </summary>
internal static class ListeningAddresses
{
    private const string ListenState = "0A";
    private static readonly (string File, bool V6)[] Tables = [("/proc/net/tcp", false), ("/proc/net/tcp6", true)];

    /// <summary>The non-loopback addresses on which a socket listens on <paramref name="port"/>, as <c>address:port</c> (IPv6 in brackets).</summary>
    public static IReadOnlyList<string> BeyondLoopback(int port)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<string>();
        foreach (var (file, v6) in Tables)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // no IPv6, or /proc not mounted: nothing to see there
            }

            foreach (var line in lines.Skip(1))
            {
                if (Parse(line, v6) is { } listening && listening.Port == port && !IsLoopback(listening.Address))
                {
                    var text = v6 ? $"[{listening.Address}]:{port}" : $"{listening.Address}:{port}";
                    if (!found.Contains(text))
                    {
                        found.Add(text);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>One line of a socket table (<c>sl local_address rem_address st …</c>) when its socket listens; null otherwise.</summary>
    internal static (IPAddress Address, int Port)? Parse(string line, bool v6)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || fields[3] != ListenState)
        {
            return null;
        }

        var local = fields[1].Split(':');
        var hexLength = v6 ? 32 : 8;
        if (local.Length != 2 || local[0].Length != hexLength
            || !int.TryParse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        // The address is written as 32-bit words in the kernel's (host) byte order.
        var bytes = new byte[hexLength / 2];
        for (var word = 0; word < hexLength / 8; word++)
        {
            if (!uint.TryParse(local[0].AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            BitConverter.GetBytes(value).CopyTo(bytes, word * 4);
        }

        return (new IPAddress(bytes), port);
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
