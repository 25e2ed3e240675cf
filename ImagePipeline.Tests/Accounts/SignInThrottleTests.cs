using System.Net;
using System.Text.RegularExpressions;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Accounts;

/// <summary>
/// Failed sign-ins are throttled per (user name, client address) and per address, not per account: a stranger who knows a
/// user name cannot lock the user out from everywhere. Clients differ by X-Forwarded-For (trusted from loopback).
/// </summary>
public sealed partial class SignInThrottleTests : IDisposable
{
    private const string AddressA = "203.0.113.1";
    private const string AddressB = "198.51.100.2";

    private readonly ThrottleApp _app = new(new Dictionary<string, string?>
    {
        ["Pipeline:Security:SignInPermitsPerMinute"] = "1000", // the per-minute limit is not what these tests look at
        ["Pipeline:Security:MaxFailedSignInsPerAddress"] = "12",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Five_wrong_passwords_from_one_address_lock_only_that_address_for_that_user()
    {
        await _app.CreateUserAsync("alice", password: "right password");
        var fromA = _app.Browser(AddressA);
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("error=invalid", await SignInAsync(fromA, "alice", "wrong password"), StringComparison.Ordinal);
        }

        var fromB = _app.Browser(AddressB);
        Assert.Equal("/", await SignInAsync(fromB, "alice", "right password"));
        Assert.Equal(HttpStatusCode.OK, (await fromB.GetAsync("/api/images")).StatusCode);

        Assert.Contains("error=locked", await SignInAsync(fromA, "alice", "right password"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fromA.GetAsync("/api/images")).StatusCode);
        _app.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Contains("error=locked", await SignInAsync(fromA, "alice", "right password"), StringComparison.Ordinal);

        _app.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("/", await SignInAsync(fromA, "alice", "right password"));
        Assert.Equal(HttpStatusCode.OK, (await fromA.GetAsync("/api/images")).StatusCode);

        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.False(await users.IsLockedOutAsync((await users.FindByNameAsync("alice"))!)); // the account itself never was
    }

    [Fact]
    public async Task A_repeated_lockout_of_the_same_pair_lasts_twice_as_long()
    {
        await _app.CreateUserAsync("alice", password: "right password");
        var fromA = _app.Browser(AddressA);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                await SignInAsync(fromA, "alice", "wrong password");
            }

            Assert.Contains("error=locked", await SignInAsync(fromA, "alice", "wrong password"), StringComparison.Ordinal);
            _app.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        }

        Assert.Contains("error=locked", await SignInAsync(fromA, "alice", "right password"), StringComparison.Ordinal); // 30 min now
        _app.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("/", await SignInAsync(fromA, "alice", "right password"));
    }

    [Fact]
    public async Task Unknown_user_names_are_throttled_exactly_like_real_ones()
    {
        await _app.CreateUserAsync("alice", password: "right password");

        async Task<List<string>> AttemptsAsync(string userName, string address)
        {
            var browser = _app.Browser(address);
            var answers = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                answers.Add(await SignInAsync(browser, userName, "wrong password"));
            }

            return answers;
        }

        var real = await AttemptsAsync("alice", AddressA);
        var unknown = await AttemptsAsync("nobody-by-this-name", AddressB);

        Assert.Equal(real, unknown);
        Assert.Contains("error=locked", real[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spraying_many_user_names_from_one_address_hits_the_address_limit()
    {
        await _app.CreateUserAsync("carol", password: "right password");
        var fromA = _app.Browser(AddressA);
        for (var i = 0; i < 12; i++)
        {
            Assert.Contains("error=invalid", await SignInAsync(fromA, $"sprayed-{i}", "Summer2026!"), StringComparison.Ordinal);
        }

        Assert.Contains("error=locked", await SignInAsync(fromA, "carol", "right password"), StringComparison.Ordinal);
        Assert.Contains("error=locked", await SignInAsync(fromA, "sprayed-99", "Summer2026!"), StringComparison.Ordinal);
        Assert.Equal("/", await SignInAsync(_app.Browser(AddressB), "carol", "right password"));

        _app.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Equal("/", await SignInAsync(fromA, "carol", "right password"));
    }

    [Fact]
    public async Task A_successful_sign_in_does_not_reset_the_addresss_spray_count()
    {
        await _app.CreateUserAsync("mallory", password: "own password");
        var fromA = _app.Browser(AddressA);
        for (var i = 0; i < 11; i++)
        {
            await SignInAsync(fromA, $"sprayed-{i}", "Summer2026!");
        }

        Assert.Equal("/", await SignInAsync(_app.Browser(AddressA), "mallory", "own password"));
        await SignInAsync(fromA, "sprayed-11", "Summer2026!");

        Assert.Contains("error=locked", await SignInAsync(fromA, "sprayed-12", "Summer2026!"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Addresses_in_one_ipv6_64_count_as_one_client()
    {
        await _app.CreateUserAsync("alice", password: "right password");
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(_app.Browser($"2001:db8:1:2::{i + 1:x}"), "alice", "wrong password");
        }

        Assert.Contains("error=locked", await SignInAsync(_app.Browser("2001:db8:1:2:ffff::1"), "alice", "right password"), StringComparison.Ordinal);
        Assert.Equal("/", await SignInAsync(_app.Browser("2001:db8:1:3::1"), "alice", "right password"));
        Assert.Equal(SignInThrottle.ClientKey(IPAddress.Parse("203.0.113.7")), SignInThrottle.ClientKey(IPAddress.Parse("::ffff:203.0.113.7")));
    }

    [Fact]
    public async Task The_account_wide_backstop_locks_the_account_only_after_failures_from_many_addresses()
    {
        using var app = new ThrottleApp(new Dictionary<string, string?>
        {
            ["Pipeline:Security:SignInPermitsPerMinute"] = "1000",
            ["Pipeline:Security:MaxFailedSignIns"] = "2",
            ["Pipeline:Security:AccountLockoutThreshold"] = "6",
        });
        var (_, key) = await app.CreateUserAsync("alice", password: "right password");
        for (var address = 1; address <= 2; address++)
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.Contains("error=invalid", await SignInAsync(app.Browser($"203.0.113.{address}"), "alice", "wrong password"), StringComparison.Ordinal);
            }
        }

        Assert.Equal("/", await SignInAsync(app.Browser("203.0.113.50"), "alice", "right password")); // resets Identity's count
        for (var address = 1; address <= 3; address++)
        {
            for (var i = 0; i < 2; i++)
            {
                await SignInAsync(app.Browser($"198.51.100.{address}"), "alice", "wrong password");
            }
        }

        Assert.Contains("error=locked", await SignInAsync(app.Browser("203.0.113.51"), "alice", "right password"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClientWithKey(key).GetAsync("/api/images")).StatusCode); // keys keep working
    }

    [Fact]
    public void The_store_stays_bounded_and_keeps_a_fresh_lockout_when_full()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var throttle = new SignInThrottle(
            Microsoft.Extensions.Options.Options.Create(new Core.Configuration.PipelineOptions()), time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SignInThrottle>.Instance);
        var attacker = IPAddress.Parse(AddressA);
        for (var i = 0; i < 5; i++)
        {
            throttle.Failed("ALICE", attacker);
        }

        for (var i = 0; i < SignInThrottle.Capacity; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            throttle.Failed("BOB", new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        }

        Assert.True(throttle.Tracked <= SignInThrottle.Capacity);
        Assert.NotNull(throttle.RefusedFor("ALICE", attacker)); // only the least recently failed went
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(throttle.RefusedFor("ALICE", attacker));
    }

    private static async Task<string> SignInAsync(HttpClient browser, string userName, string password)
    {
        var page = await browser.GetStringAsync("/account/login");
        using var response = await browser.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>The app behind a loopback proxy (so X-Forwarded-For names the client) on a fake clock.</summary>
    private sealed class ThrottleApp(IDictionary<string, string?> settings)
        : PipelineAppFactory(new Dictionary<string, string?>(settings) { ["Pipeline:Runner:Enabled"] = "false" })
    {
        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow); // real "now": the cookie container drops expired cookies

        /// <summary>A browser (cookies, no key, no redirects) at <paramref name="address"/>.</summary>
        public HttpClient Browser(string address)
        {
            var browser = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            browser.DefaultRequestHeaders.Remove("X-Api-Key");
            browser.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return browser;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(Time);
                s.AddSingleton<IStartupFilter>(new LoopbackPeer());
            });
        }
    }

    private sealed class LoopbackPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate inner) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return inner(context);
            });
            next(app);
        };
    }
}
