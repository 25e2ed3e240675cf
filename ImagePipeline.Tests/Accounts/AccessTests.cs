using System.Net;
using System.Text.RegularExpressions;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Accounts;

public sealed partial class AccessTests : IDisposable
{
    private static readonly (string Method, string Url)[] AdminEndpoints =
    [
        ("GET", "/api/admin/jobs"), ("GET", $"/api/admin/jobs/{Guid.NewGuid()}"), ("POST", $"/api/admin/jobs/{Guid.NewGuid()}/retry"),
        ("POST", $"/api/admin/jobs/{Guid.NewGuid()}/cancel"), ("POST", "/api/admin/jobs/retry-failed"), ("GET", "/api/admin/runner"),
        ("POST", "/api/admin/runner/pause"), ("POST", "/api/admin/runner/resume"), ("POST", "/api/admin/backfill"),
    ];

    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Pipeline:Runner:Enabled"] = "false",
        ["Pipeline:Security:MaxFailedSignIns"] = "3",
        ["Pipeline:Security:SignInPermitsPerMinute"] = "8",
        ["Pipeline:Security:UploadConcurrencyPerUser"] = "1",
        ["Pipeline:Security:UploadQueuePerUser"] = "0",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_User_gets_403_on_every_admin_endpoint_an_admin_key_works()
    {
        var (_, userKey) = await _app.CreateUserAsync("user1");
        var (_, adminKey) = await _app.CreateUserAsync("admin1", Roles.Admin);
        var user = _app.CreateClientWithKey(userKey);
        var admin = _app.CreateClientWithKey(adminKey);
        foreach (var (method, url) in AdminEndpoints)
        {
            using var response = await user.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/jobs?status=FAILED")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/images")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_gets_401_and_a_wrong_key_too()
    {
        var (userId, key) = await _app.CreateUserAsync("user2");
        var client = _app.CreateClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/images")).StatusCode);
        var keys = _app.Services.GetRequiredService<ApiKeyService>();
        var listed = Assert.Single(await keys.ListAsync(userId, CancellationToken.None));
        Assert.NotNull(listed.LastUsedAt);
        Assert.True(await keys.RevokeAsync(userId, listed.Id, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClientWithKey("ipk_not-a-real-key").GetAsync("/api/images")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_key_stops_working()
    {
        var (userId, key) = await _app.CreateUserAsync("user3");
        using (var scope = _app.Services.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountService>().SetDisabledAsync(userId, true)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClientWithKey(key).GetAsync("/api/images")).StatusCode);
    }

    [Fact]
    public async Task The_bootstrap_key_works_only_when_configured()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClientWithKey(PipelineAppFactory.BootstrapKey).GetAsync("/api/admin/jobs")).StatusCode);
        using var unconfigured = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Security:BootstrapApiKey"] = null, ["Pipeline:Runner:Enabled"] = "false" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await unconfigured.CreateClientWithKey(PipelineAppFactory.BootstrapKey).GetAsync("/api/admin/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await unconfigured.CreateClientWithKey("").GetAsync("/api/admin/jobs")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_through_the_form_then_lockout_after_the_configured_failures()
    {
        await _app.CreateUserAsync("carol", password: "right password");
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
        Assert.Contains("/account/signin", await SignInAsync(browser, "carol", "right password"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/admin/jobs")).StatusCode);

        var stranger = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        stranger.DefaultRequestHeaders.Remove("X-Api-Key");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await SignInAsync(stranger, "carol", "wrong password");
        }

        var locked = await SignInAsync(stranger, "carol", "right password");
        Assert.Contains("error=locked", locked, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/images")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_with_429_and_Retry_After()
    {
        var client = _app.CreateAnonymousClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 10; i++)
        {
            last = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "x", ["password"] = "y" }));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.NotNull(last.Headers.RetryAfter);
    }

    [Fact]
    public async Task Upload_concurrency_per_user_over_the_limit_gets_429_with_Retry_After()
    {
        var (_, key) = await _app.CreateUserAsync("dave");
        var client = _app.CreateClientWithKey(key);
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-upscaled-6000x4000-grain.jpg"));
        var uploads = Enumerable.Range(0, 4).Select(_ => client.PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "big.jpg"))).ToList();
        var statuses = (await Task.WhenAll(uploads)).Select(r => r.StatusCode).ToList();

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(statuses, s => s is HttpStatusCode.Created or HttpStatusCode.OK);
        var rejected = (await Task.WhenAll(uploads)).First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(rejected.Headers.RetryAfter);
    }

    [Fact]
    public async Task Setup_creates_the_first_admin_once_and_then_refuses()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");
        var first = await browser.GetAsync("/");
        Assert.Equal("/setup", first.Headers.Location?.OriginalString);

        var setupPage = await browser.GetStringAsync("/setup");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(setupPage),
            ["userName"] = "root",
            ["password"] = "first admin password",
            ["confirmPassword"] = "first admin password",
        };
        var created = await browser.PostAsync("/setup/admin", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/admin/jobs")).StatusCode); // signed in as admin

        var latecomer = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        latecomer.DefaultRequestHeaders.Remove("X-Api-Key");
        form["__RequestVerificationToken"] = Token(await latecomer.GetStringAsync("/account/login"));
        form["userName"] = "intruder";
        var again = await latecomer.PostAsync("/setup/admin", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.CreateAnonymousClient().GetAsync("/setup")).StatusCode);
    }

    [Fact]
    public async Task Security_headers_are_on_every_response()
    {
        var anonymous = _app.CreateAnonymousClient();
        foreach (var response in new[] { await anonymous.GetAsync("/health"), await anonymous.GetAsync("/api/images"), await anonymous.GetAsync("/setup"), await _app.CreateClient().GetAsync("/api/images") })
        {
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"));
        }
    }

    private static async Task<string> SignInAsync(HttpClient browser, string userName, string password)
    {
        var page = await browser.GetStringAsync("/account/login");
        var response = await browser.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(page),
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        return location == "/" ? "/account/signin ok" : location;
    }

    private static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
