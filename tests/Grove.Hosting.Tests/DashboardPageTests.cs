using Microsoft.Playwright;

namespace Grove.Hosting.Tests;

/// <summary>The dashboard in Debian's Chromium: the worktree rows, and a command's result.</summary>
[Collection(SharedAppHost.Name)]
public sealed class DashboardPageTests(AppHostFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task ResourcesPage_ShowsTheWorktreeRows_AndARestartsResult()
    {
        var before = await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running");
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium ('apt-get install chromium'); these tests never download a browser");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(fixture.DashboardUrl.ToString());
        var feature = page.Locator(".fluent-data-grid-row, [role=row]").Filter(new LocatorFilterOptions { HasText = "feature-one" }).First;
        await feature.WaitForAsync();
        await page.Locator("[role=row]").Filter(new LocatorFilterOptions { HasText = "main" }).First.WaitForAsync();
        await Screenshot(page, "resources");

        await feature.Locator("fluent-button, button").Last.ClickAsync(); // the row's "..." menu
        await Screenshot(page, "menu");
        await page.GetByRole(AriaRole.Menuitem, new PageGetByRoleOptions { Name = "Restart" }).ClickAsync();
        await Screenshot(page, "restart-clicked");
        await Rows.WaitAsync(fixture.App, "feature-one", r => r.State == "Running" && r.Snapshot.StartTimeStamp > before.Snapshot.StartTimeStamp);

        // The command's result lands in the notification center: the host's own sentence.
        await page.Locator("[aria-label*=otification i], [title*=otification i]").First.ClickAsync();
        await page.GetByText("\"Restart\" succeeded").First.WaitForAsync();
        await page.GetByText("the app of feature-one runs at http://127.0.0.1:").First.WaitForAsync();
        await Screenshot(page, "restart-result");
    }

    /// <summary>With GROVE_SCREENSHOTS set, saves the page there (for the README's picture and for looking at failures).</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("GROVE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png") });
        }
    }
}
