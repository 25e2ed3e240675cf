using ImagePipeline.Tests.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Scale;

/// <summary>A Blazor circuit on the Web instance shows an upload turn Ready although a Worker process did the work (events relayed through Redis).</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class ScaleBrowserTests(PublishedBinaryFixture binary)
{
    private const string Admin = "owner@example.org";
    private const string Password = "scale-browser-password-1";

    [Fact]
    public async Task An_upload_on_the_Web_instance_turns_Ready_in_the_browser_when_the_Worker_stored_it()
    {
        await using var deployment = new ScaleOutDeployment(binary, "browser");
        var web = await deployment.StartAsync("Web");
        var worker = await deployment.StartAsync("Worker", new Dictionary<string, string> { ["Pipeline__Runner__PollInterval"] = "00:30:00" });
        // The password from the environment, never the command line (create-admin refuses --password).
        var adminEnvironment = new Dictionary<string, string>(deployment.Environment("Web")) { ["IMAGEPIPELINE_ADMIN_PASSWORD"] = Password };
        var (exit, log) = await ProcessRunner.RunAsync(deployment.BinaryPath, ["create-admin", "--email", Admin],
            Path.GetDirectoryName(deployment.BinaryPath)!, adminEnvironment, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.True(exit == 0, log);

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new() { BaseURL = web.BaseAddress.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(Admin);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        await page.GotoAsync("/upload");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=file-input]").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "scale-browser.png", MimeType = "image/png", Buffer = ScaleOutDeployment.TinyImage(17_001) },
        });

        await Expect(page.Locator("[data-testid=upload-item][data-state=stored]")).ToHaveCountAsync(1, new() { Timeout = 90_000 });

        var attempts = await deployment.AttemptsAsync();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.True(ScaleOutDeployment.RanOn(a.RunnerId, worker), $"attempt on {a.RunnerId}"));
        Assert.DoesNotContain(attempts, a => ScaleOutDeployment.RanOn(a.RunnerId, web));
    }
}
