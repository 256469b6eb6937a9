using System.Text.Json;

namespace Grove.Cli.Tests;

/// <summary><c>grove ls</c> beside a running <c>grove up</c>: an app listening beyond loopback is marked, with the fix.</summary>
public class ListeningWarningCommandTests
{
    [Fact]
    public async Task Ls_AppListensOnEveryInterface_WarnedInJsonAndTableOtherAppNot()
    {
        using var repo = AppRepository.Create("--bind-any");
        var safe = repo.AddWorktree("feature/safe");
        AppRepository.SetFlags(repo, safe); // ASP.NET Core on ASPNETCORE_URLS: 127.0.0.1 only
        var output = new List<string>();
        await using var up = await UpCommandTests.StartUpAsync(repo, output);
        await GroveCli.SucceedAsync(repo.Primary, "wait", "main", "--timeout", "90");
        await GroveCli.SucceedAsync(repo.Primary, "wait", "feature-safe", "--timeout", "90");

        var json = await GroveCli.SucceedAsync(repo.Primary, "ls", "--json");
        var table = await GroveCli.SucceedAsync(repo.Primary, "ls");

        using var document = JsonDocument.Parse(json);
        var items = document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("slug").GetString()!);
        var port = items["main"].GetProperty("port").GetInt32();
        Assert.Contains($"listens on 0.0.0.0:{port}, reachable from the network: bind it to 127.0.0.1", items["main"].GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, items["feature-safe"].GetProperty("warning").ValueKind);
        Assert.Contains("running !", table, StringComparison.Ordinal);
        Assert.Contains($"! main: listens on 0.0.0.0:{port}", table, StringComparison.Ordinal);
        Assert.DoesNotContain("! feature-safe", table, StringComparison.Ordinal);
        UpCommandTests.Signals(up.Identity.Pid);
        await up.Exited.WaitAsync(Bounded.Process, TestContext.Current.CancellationToken);
    }
}
