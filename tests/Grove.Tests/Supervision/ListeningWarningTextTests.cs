using Grove.Supervision;

namespace Grove.Tests.Supervision;

/// <summary>The listening warning names the fix that applies: grove.json's app.env when it opens the app, else the app's own listen call.</summary>
public class ListeningWarningTextTests
{
    [Fact]
    public void For_NothingBeyondLoopback_NoWarning() =>
        Assert.Null(ListeningWarning.For([], new Dictionary<string, string> { ["HOST"] = "0.0.0.0" }));

    [Fact]
    public void For_AppIgnoresHost_NamesTheListenCall()
    {
        var warning = ListeningWarning.For(["[::]:4100"], new Dictionary<string, string>());

        Assert.StartsWith("listens on [::]:4100, reachable from the network: bind it to 127.0.0.1", warning, StringComparison.Ordinal);
        Assert.Contains("server.listen(process.env.PORT, process.env.HOST)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("app.env", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HOST", "0.0.0.0")]
    [InlineData("HOSTNAME", "::")]
    [InlineData("ASPNETCORE_URLS", "http://0.0.0.0:4100")]
    [InlineData("ASPNETCORE_URLS", "http://127.0.0.1:4100;http://*:4100")]
    public void For_AppEnvOpensTheAddress_NamesAppEnv(string name, string value)
    {
        var warning = ListeningWarning.For(["0.0.0.0:4100"], new Dictionary<string, string> { [name] = value });

        Assert.Contains($"app.env in grove.json sets {name}={value}; remove it", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HOST", "127.0.0.1")]
    [InlineData("HOST", "localhost")]
    [InlineData("HOSTNAME", "::1")]
    [InlineData("ASPNETCORE_URLS", "http://127.0.0.1:4100;http://[::1]:4100")]
    public void For_AppEnvKeepsLoopback_NamesTheListenCall(string name, string value)
    {
        var warning = ListeningWarning.For(["0.0.0.0:4100"], new Dictionary<string, string> { [name] = value });

        Assert.DoesNotContain("app.env", warning, StringComparison.Ordinal);
        Assert.Contains("process.env.HOST", warning, StringComparison.Ordinal);
    }
}
