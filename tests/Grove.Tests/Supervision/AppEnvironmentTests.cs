using Grove.Configuration;
using Grove.Supervision;
using Grove.Worktrees;

namespace Grove.Tests.Supervision;

/// <summary>The one function that builds an app's environment (for the supervisor and <c>grove env</c>): precedence and secrets.</summary>
public class AppEnvironmentTests
{
    private static readonly WorktreeSnapshot Worktree = new()
    {
        Slug = "feature-x", Branch = "feature/x", Path = "/tmp/x", Head = null, IsPrimary = false, IsDetached = false,
        Port = 4321, Url = "http://127.0.0.1:4321", GatewayUrl = "http://feature-x.localhost:8080",
        State = WorktreeState.Pending, IsLocked = false, IsPrunable = false,
    };

    [Fact]
    public void For_EveryLayer_LaterLayersWinSecretsMarked()
    {
        using var primary = new TempFolder("grove-appenv");
        File.WriteAllText(primary.Combine(".env"), "FROM_FILE=f\nSHARED=file\nPORT=1\nDATABASE_URL=postgres://u:p@hosted/prod\n");
        var app = new AppConfig(new CommandConfig("x", [], "."), "/health", new Dictionary<string, string> { ["SHARED"] = "app", ["FRONT"] = "app" });

        var variables = AppEnvironment.For(
            Worktree,
            app,
            primary.Path,
            new Dictionary<string, string> { ["FRONT"] = "front", ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=k" },
            [new("DATABASE_URL", "postgres://grove:pw@127.0.0.1:5/app_x?sslmode=prefer"), new("ConnectionStrings__app", "Host=127.0.0.1;Password=pw;Database=app_x")]).ToDictionary(v => v.Name);

        Assert.Equal(("f", true), (variables["FROM_FILE"].Value, variables["FROM_FILE"].Secret));
        Assert.Equal(("app", false), (variables["SHARED"].Value, variables["SHARED"].Secret));
        Assert.Equal("front", variables["FRONT"].Value);
        Assert.True(variables["OTEL_EXPORTER_OTLP_HEADERS"].Secret);
        Assert.Equal(("4321", false), (variables["PORT"].Value, variables["PORT"].Secret));
        Assert.Equal(("postgres://grove:pw@127.0.0.1:5/app_x?sslmode=prefer", true), (variables["DATABASE_URL"].Value, variables["DATABASE_URL"].Secret));
        Assert.True(variables["ConnectionStrings__app"].Secret);
        Assert.Equal("feature-x", variables["OTEL_SERVICE_NAME"].Value);
        Assert.DoesNotContain("pw", variables["DATABASE_URL"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void For_EnvFileOpensHost_LoopbackWinsUnlessAppEnvSetsIt()
    {
        using var primary = new TempFolder("grove-appenv");
        File.WriteAllText(primary.Combine(".env"), "HOST=0.0.0.0\nHOSTNAME=0.0.0.0\n");
        var plain = new AppConfig(new CommandConfig("x", [], "."), "/health", new Dictionary<string, string>());
        var opened = plain with { Env = new Dictionary<string, string> { ["HOST"] = "0.0.0.0" } };

        var fromFile = AppEnvironment.For(Worktree, plain, primary.Path, null, []).ToDictionary(v => v.Name, v => v.Value);
        var onPurpose = AppEnvironment.For(Worktree, opened, primary.Path, null, []).ToDictionary(v => v.Name, v => v.Value);

        Assert.Equal(("127.0.0.1", "127.0.0.1"), (fromFile["HOST"], fromFile["HOSTNAME"]));
        Assert.Equal(("0.0.0.0", "127.0.0.1"), (onPurpose["HOST"], onPurpose["HOSTNAME"]));
    }

    [Theory]
    [InlineData("sqlite:///tmp/a.db", false)]
    [InlineData("Data Source=/tmp/a.db", false)]
    [InlineData("postgres://grove@127.0.0.1/app", false)]
    [InlineData("postgres://grove:s3@127.0.0.1/app", true)]
    [InlineData("Host=h;Username=u;Password=s3", true)]
    [InlineData("Host=h;Pwd=s3", true)]
    [InlineData("not a connection string;;=", false)]
    public void HoldsPassword_ConnectionStringsAndUrls(string value, bool secret) =>
        Assert.Equal(secret, AppEnvironment.HoldsPassword(value));

    [Fact]
    public void For_NoAppConfigured_NoEnvFilesRead()
    {
        using var primary = new TempFolder("grove-appenv");
        File.WriteAllText(primary.Combine(".env"), "FROM_FILE=f\n");

        var variables = AppEnvironment.For(Worktree, null, primary.Path, null, []);

        Assert.DoesNotContain(variables, v => v.Name == "FROM_FILE");
        Assert.Contains(variables, v => v.Name == "GROVE_SLUG" && v.Value == "feature-x");
    }
}
