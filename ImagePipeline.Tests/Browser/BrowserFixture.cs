using Microsoft.Playwright;

namespace ImagePipeline.Tests.Browser;

/// <summary>
/// One app and one headless Chromium (Debian's, never downloaded) for all browser tests. The first-run setup creates
/// the admin once; every page then signs in through the real form (<see cref="SignInAsync"/>).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "browser-tests-password-1";

    private IPlaywright? _playwright;

    public BrowserApp App { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Directory.CreateDirectory(ScreenshotDirectory);
        App = await BrowserApp.StartAsync(CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        // First run: the app sends every page to /setup until the admin exists.
        var page = await NewPageAsync(signIn: false);
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/setup");
        await page.GetByLabel("User name").FillAsync(AdminUserName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(AdminPassword);
        await page.GetByLabel("Confirm password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin" }).ClickAsync();
        await page.WaitForURLAsync(App.BaseUrl + "/");
        await page.Context.CloseAsync();
    }

    /// <summary>A fresh browser context (own cookies and sessionStorage), signed in as the admin unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(bool signIn = true, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = App.BaseUrl,
            ColorScheme = colorScheme,
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        if (signIn)
        {
            await SignInAsync(page);
        }

        return page;
    }

    /// <summary>Signs in through the real sign-in form.</summary>
    public static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(AdminUserName);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>Opens a page of the app and waits until the Blazor circuit is interactive.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
