using System.Net;
using System.Net.Sockets;
using Grove.Ports;

namespace Grove.Tests.Ports;

/// <summary>Which non-loopback addresses a port is listened on, read from the kernel's socket tables (Linux).</summary>
public class ListeningAddressesTests
{
    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            listener.Server.DualMode = false;
        }

        listener.Start();
        return listener;
    }

    private static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    [Fact]
    public void BeyondLoopback_ListenerOnEveryIPv4Interface_Reported()
    {
        var listener = Listen(IPAddress.Any);
        try
        {
            Assert.Equal([$"0.0.0.0:{PortOf(listener)}"], ListeningAddresses.BeyondLoopback(PortOf(listener)));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void BeyondLoopback_ListenerOnEveryIPv6Interface_ReportedInBrackets()
    {
        Assert.True(Socket.OSSupportsIPv6, "this test needs IPv6 on loopback (the machine's kernel has it disabled)");
        var listener = Listen(IPAddress.IPv6Any);
        try
        {
            Assert.Equal([$"[::]:{PortOf(listener)}"], ListeningAddresses.BeyondLoopback(PortOf(listener)));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void BeyondLoopback_ListenersOnLoopbackOnly_NothingReported()
    {
        var v4 = Listen(IPAddress.Loopback);
        var v6 = new TcpListener(IPAddress.IPv6Loopback, PortOf(v4));
        v6.Server.DualMode = false;
        v6.Start();
        try
        {
            Assert.Empty(ListeningAddresses.BeyondLoopback(PortOf(v4)));
        }
        finally
        {
            v4.Stop();
            v6.Stop();
        }
    }

    [Fact]
    public void BeyondLoopback_NothingListens_NothingReported()
    {
        var listener = Listen(IPAddress.Any);
        var port = PortOf(listener);
        listener.Stop();

        Assert.Empty(ListeningAddresses.BeyondLoopback(port));
    }

    [Theory]
    [InlineData("   0: 0100007F:0FA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", false, "127.0.0.1", 4001)]
    [InlineData("   1: 00000000:0FA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", false, "0.0.0.0", 4001)]
    [InlineData("   2: 0101A8C0:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", false, "192.168.1.1", 8080)]
    [InlineData("   0: 00000000000000000000000001000000:0FA1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", true, "::1", 4001)]
    [InlineData("   1: 0000000000000000FFFF00000100007F:0FA1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", true, "::ffff:127.0.0.1", 4001)]
    public void Parse_ListeningLine_AddressAndPort(string line, bool v6, string address, int port)
    {
        var parsed = ListeningAddresses.Parse(line, v6);

        Assert.NotNull(parsed);
        Assert.Equal(IPAddress.Parse(address), parsed.Value.Address);
        Assert.Equal(port, parsed.Value.Port);
    }

    [Theory]
    [InlineData("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")]
    [InlineData("   3: 0100007F:0FA1 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0")]
    [InlineData("garbage")]
    public void Parse_HeaderOrConnectionOrGarbage_Null(string line) => Assert.Null(ListeningAddresses.Parse(line, v6: false));
}
