using System.Net;
using System.Net.Sockets;
using Grove.Ports;

namespace Grove.Tests.Ports;

public class PortProbeTests
{
    [Fact]
    public void IsFree_PortWithListener_IsFalseAndListenerKeepsWorking()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.False(PortProbe.IsFree(port));
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var accepted = listener.AcceptTcpClient();
        Assert.True(accepted.Connected);
    }

    [Fact]
    public void IsFree_WildcardListener_IsFalse()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();

        Assert.False(PortProbe.IsFree(((IPEndPoint)listener.LocalEndpoint).Port));
    }

    [Fact]
    public void IsFree_ClosedPort_IsTrue()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Assert.True(PortProbe.IsFree(port));
    }

    [Fact]
    public void Guards_RejectOutOfRangePorts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PortProbe.IsFree(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortProbe.IsFree(70000));
    }
}
