using System.Net;
using System.Net.Sockets;

namespace Grove.Ports;

/// <summary>Tells whether some program already listens on a port, by trying to bind it.</summary>
internal static class PortProbe
{
    /// <summary>
    /// True when the port can be bound on loopback and on the wildcard address (IPv4, and IPv6
    /// where the machine has it), i.e. no other program listens on it. The probe sockets are
    /// closed at once; nothing else is touched.
    /// </summary>
    public static bool IsFree(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return CanBind(IPAddress.Loopback, port)
            && CanBind(IPAddress.Any, port)
            && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Any, port));
    }

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
