using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Accounts;
using ImagePipeline.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Accounts;

/// <summary>Accounts and sessions: stale admins, lockout vs keys, proxies, enumeration, first run, error text.</summary>
public sealed partial class SessionHardeningTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Pipeline:Runner:Enabled"] = "false",
        ["Pipeline:Security:MaxFailedSignIns"] = "3",
        ["Pipeline:Security:AccountLockoutThreshold"] = "3", // Identity's account-wide backstop, for the API key test
        ["Pipeline:Security:SignInPermitsPerMinute"] = "3",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_locked_out_users_api_key_keeps_working_a_disabled_users_does_not()
    {
        var (userId, key) = await _app.CreateUserAsync("scripted-admin", Roles.Admin);
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByIdAsync(userId);
            for (var i = 0; i < 3; i++)
            {
                await users.AccessFailedAsync(user!); // three wrong passwords from anyone who knows the name
            }

            Assert.True(await users.IsLockedOutAsync(user!));
        }

        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClientWithKey(key).GetAsync("/api/admin/jobs")).StatusCode);

        using (var scope = _app.Services.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountService>().SetDisabledAsync(userId, true)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClientWithKey(key).GetAsync("/api/images")).StatusCode);
    }

    [Fact]
    public async Task Unknown_and_disabled_users_get_the_same_answer_after_a_password_check()
    {
        var hasher = new CountingHasher();
        using var app = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        using (var scope = app.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            Assert.True((await accounts.CreateAsync("dora", "right password", Roles.User)).Succeeded);
            var dora = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("dora");
            Assert.True((await accounts.SetDisabledAsync(dora!.Id, true)).Succeeded);
        }

        var unknownBefore = hasher.Verifications;
        var unknown = await SignInAsync(Browser(app), "nobody-by-this-name", "right password");
        var unknownChecks = hasher.Verifications - unknownBefore;
        var disabledBefore = hasher.Verifications;
        var disabled = await SignInAsync(Browser(app), "dora", "right password");
        var disabledChecks = hasher.Verifications - disabledBefore;

        Assert.Equal(unknown, disabled);
        Assert.Contains("error=invalid", unknown, StringComparison.Ordinal);
        Assert.Equal(1, unknownChecks); // the same work as a real account: one password hash verification
        Assert.Equal(1, disabledChecks);
    }

    [Fact]
    public async Task Behind_a_loopback_proxy_the_sign_in_limit_counts_clients_and_cookies_are_secure()
    {
        using var app = ViaProxy(System.Net.IPAddress.Loopback);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");

        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostSignInAsync(client, "203.0.113.1")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostSignInAsync(client, "203.0.113.1")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostSignInAsync(client, "203.0.113.2")).StatusCode);

        await _app.CreateUserAsync("erin", password: "right password");
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.3");
        browser.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var page = await browser.GetAsync("/account/login");
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Token(await page.Content.ReadAsStringAsync()),
                ["userName"] = "erin",
                ["password"] = "right password",
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        using var signedIn = await browser.SendAsync(request);
        var authCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ip.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", authCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        using var app = ViaProxy(System.Net.IPAddress.Parse("198.51.100.7"));
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");

        for (var i = 0; i < 3; i++)
        {
            await PostSignInAsync(client, $"203.0.113.{10 + i}");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostSignInAsync(client, "203.0.113.99")).StatusCode);
    }

    [Fact]
    public async Task A_configured_proxy_network_is_trusted()
    {
        using var configured = new PipelineAppFactory(new Dictionary<string, string?>
        {
            ["Pipeline:Runner:Enabled"] = "false",
            ["Pipeline:Security:SignInPermitsPerMinute"] = "1",
            ["Pipeline:Security:KnownProxies:0"] = "10.1.0.0/16",
        });
        using var app = configured.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemoteAddress(System.Net.IPAddress.Parse("10.1.2.3")))));
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");

        await PostSignInAsync(client, "203.0.113.1");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PostSignInAsync(client, "203.0.113.2")).StatusCode);
    }

    [Fact]
    public async Task A_demoted_or_disabled_admin_fails_the_circuit_check_and_every_admin_action()
    {
        var (adminId, _) = await _app.CreateUserAsync("root", Roles.Admin);
        await _app.CreateUserAsync("victim");
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync((await users.FindByIdAsync(adminId))!);
        var victim = (await users.FindByNameAsync("victim"))!;
        Assert.True(await accounts.IsCurrentAsync(principal, requireAdmin: true));
        Assert.True((await accounts.SetDisabledAsync(principal, victim.Id, true)).Succeeded);

        var admin = (await users.FindByIdAsync(adminId))!;
        Assert.True((await users.RemoveFromRoleAsync(admin, Roles.Admin)).Succeeded);

        Assert.False(await accounts.IsCurrentAsync(principal, requireAdmin: false)); // the circuit's user becomes anonymous
        var refused = await accounts.SetDisabledAsync(principal, victim.Id, false);
        Assert.False(refused.Succeeded);
        Assert.Equal("NotAdmin", Assert.Single(refused.Errors).Code);
        Assert.False((await accounts.ResetPasswordAsync(principal, victim.Id, "another password")).Succeeded);
        Assert.False((await accounts.CreateAsync(principal, "sneaky", "sneaky password", Roles.Admin)).Succeeded);
        Assert.True((await users.FindByIdAsync(victim.Id))!.IsDisabled);
    }

    [Fact]
    public async Task A_disabled_admin_with_a_fresh_stamp_fails_the_circuit_check()
    {
        var (adminId, _) = await _app.CreateUserAsync("root2", Roles.Admin);
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync((await users.FindByIdAsync(adminId))!);
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();

        Assert.True((await accounts.SetDisabledAsync(adminId, true)).Succeeded);

        Assert.False(await accounts.IsCurrentAsync(principal, requireAdmin: false));
        Assert.False(await accounts.IsCurrentAsync(principal, requireAdmin: true));
    }

    [Fact]
    public async Task The_first_run_claim_is_a_database_row_two_setups_create_one_admin()
    {
        var directory = _app.DataDirectory;
        _app.CreateClient();
        using var second = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, directory);
        second.CreateClient();

        async Task<IdentityResult> SetupAsync(PipelineAppFactory instance, string name)
        {
            using var scope = instance.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<AccountService>().CreateFirstAdminAsync(name, "first admin password", CancellationToken.None);
        }

        var results = await Task.WhenAll(SetupAsync(_app, "first"), SetupAsync(second, "second"));

        Assert.Single(results, r => r.Succeeded);
        await using var db = _app.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(1, await db.FirstRunClaims.CountAsync());
        db.FirstRunClaims.Add(new FirstRunClaim { UserName = "third" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Owners_see_a_short_reason_admins_the_error_and_the_runner()
    {
        var (ownerId, ownerKey) = await _app.CreateUserAsync("owner");
        var owner = _app.CreateClientWithKey(ownerKey);
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("exif-landscape_1.jpg"));
        using var upload = await owner.PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "a.jpg"));
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
        await using (var db = _app.CreateDbContext())
        {
            await db.Jobs.Where(j => j.ImageId == id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LastError, "IOException: Could not find a part of the path '/var/lib/imagepipeline/data/originals/x.jpg'.")
                .SetProperty(j => j.LastErrorDetail, "System.IO.IOException: ... at ImagePipeline.Core.Storage")
                .SetProperty(j => j.LockedBy, "build-host:4242:runner")
                .SetProperty(j => j.Status, JobStatus.Failed));
        }

        var asOwner = await owner.GetStringAsync($"/api/images/{id}");
        var asAdmin = await _app.CreateClient().GetStringAsync($"/api/images/{id}");

        Assert.DoesNotContain("/var/lib", asOwner, StringComparison.Ordinal);
        Assert.DoesNotContain("IOException", asOwner, StringComparison.Ordinal);
        Assert.DoesNotContain("build-host", asOwner, StringComparison.Ordinal);
        Assert.Contains(Web.Api.FailureReason.Generic, asOwner, StringComparison.Ordinal);
        Assert.Contains("/var/lib", asAdmin, StringComparison.Ordinal);
        Assert.Contains("build-host", asAdmin, StringComparison.Ordinal);
        Assert.NotNull(ownerId);
    }

    [Theory]
    [InlineData("CorruptImageException: The image cannot be decoded: Bad Huffman code at /tmp/x", "The image cannot be decoded.")]
    [InlineData("CorruptImageException: Decoding the image would take 900 MB; the limit is 381 MB.", "Decoding the image would take 900 MB; the limit is 381 MB.")]
    [InlineData("FileNotFoundException: Could not find file '/srv/data/originals/a.jpg'.", Web.Api.FailureReason.Generic)]
    [InlineData(null, null)]
    public void Failure_reasons_for_owners_carry_no_exception_text(string? lastError, string? expected)
    {
        Assert.Equal(expected, Web.Api.FailureReason.ForOwner(lastError));
    }

    [Fact]
    public async Task A_malformed_upload_answers_a_fixed_text_not_the_exception()
    {
        var broken = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nabc", System.Text.Encoding.ASCII);
        broken.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        using var response = await _app.CreateClient().PostAsync("/api/upload", broken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal("The multipart body is malformed or ended before its closing boundary.", detail);
    }

    [Fact]
    public async Task The_csp_allows_connections_to_the_own_origin_only()
    {
        using var response = await _app.CreateAnonymousClient().GetAsync("/health");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("ws:", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_admin_takes_the_password_from_stdin_or_the_environment_never_the_command_line()
    {
        _app.CreateClient();
        var output = new StringWriter();
        var withArgv = ImagePipeline.Web.Hosting.CommandLineParser.Parse(["create-admin", "--email", "a@example.org", "--password", "visible in ps"]);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AdminAccount.CreateAsync(_app.Services, withArgv, output, new StringReader(""), _ => null, CancellationToken.None));

        var fromStdin = CommandLineParser.Parse(["create-admin", "--email", "a@example.org"]);
        Assert.Equal(0, await AdminAccount.CreateAsync(_app.Services, fromStdin, output, new StringReader("piped password\n"), _ => null, CancellationToken.None));
        var fromEnvironment = CommandLineParser.Parse(["create-admin", "--email", "b@example.org"]);
        Assert.Equal(0, await AdminAccount.CreateAsync(_app.Services, fromEnvironment, output, new StringReader(""),
            name => name == AdminAccount.PasswordVariable ? "environment password" : null, CancellationToken.None));

        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByNameAsync("a@example.org"))!, "piped password"));
        Assert.True(await users.CheckPasswordAsync((await users.FindByNameAsync("b@example.org"))!, "environment password"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_static_assets_manifest_goes_to_a_private_unpredictable_folder()
    {
        var first = EmbeddedStaticAssets.ExtractManifest(new MemoryStream("{}"u8.ToArray()));
        var second = EmbeddedStaticAssets.ExtractManifest(new MemoryStream("{}"u8.ToArray()));
        try
        {
            Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(second));
            Assert.NotEqual(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), Path.GetDirectoryName(first));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(first)!));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(first)!, recursive: true);
            Directory.Delete(Path.GetDirectoryName(second)!, recursive: true);
        }
    }

    private WebApplicationFactory<Program> ViaProxy(System.Net.IPAddress proxy) =>
        _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemoteAddress(proxy))));

    private static HttpClient Browser(WebApplicationFactory<Program> app)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");
        return browser;
    }

    private static Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "x", ["password"] = "y" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
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
        return response.Headers.Location!.OriginalString;
    }

    private static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Stands in for the TCP peer: the address the request came from (the proxy).</summary>
    private sealed class RemoteAddress(System.Net.IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate inner) =>
            {
                context.Connection.RemoteIpAddress = address;
                return inner(context);
            });
            next(app);
        };
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
