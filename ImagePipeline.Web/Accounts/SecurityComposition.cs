using System.Threading.RateLimiting;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Web.Api;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;

namespace ImagePipeline.Web.Accounts;

/// <summary>
/// Safe by default, with ASP.NET Core's own machinery: Identity (EF store in the app's database), a cookie or an
/// <c>X-Api-Key</c> on every request, a fallback policy that requires a signed-in user everywhere not marked open,
/// the <c>Admin</c> policy, persisted data-protection keys, and rate limits on sign-in and upload.
/// </summary>
public static class SecurityComposition
{
    public const string SmartScheme = "CookieOrApiKey";
    public const string AdminPolicy = "Admin";
    public const string UploadRateLimit = "upload";

    public static IServiceCollection AddPipelineSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var security = new SecurityOptions();
        configuration.GetSection($"{PipelineOptions.SectionName}:Security").Bind(security);
        var dataDirectory = Path.GetFullPath(configuration[$"{PipelineOptions.SectionName}:DataDirectory"] ?? "./data");

        // Behind nginx: the client's address and scheme come from X-Forwarded-For/-Proto, believed only from loopback (the
        // default) and the configured proxies, so the sign-in limit counts clients and cookies are Secure over HTTPS.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in security.KnownProxies)
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    o.KnownIPNetworks.Add(network);
                }
            }
        });

        services.AddDataProtection()
            .SetApplicationName("ImagePipeline")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));

        services.AddIdentityCore<AppUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireDigit = false; // length over composition rules (NIST SP 800-63B)
                o.Password.RequireLowercase = false;
                o.User.RequireUniqueEmail = false;
                o.Lockout.AllowedForNewUsers = true;
                // Only the backstop: everyday throttling is per (user name, address) in SignInThrottle.
                o.Lockout.MaxFailedAccessAttempts = Math.Max(1, security.AccountLockoutThreshold);
                o.Lockout.DefaultLockoutTimeSpan = security.LockoutDuration;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PipelineDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "ip.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = AccountPaths.Login;
                o.AccessDeniedPath = AccountPaths.AccessDenied;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync,
                    OnRedirectToLogin = c => StatusOrRedirect(c, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = c => StatusOrRedirect(c, StatusCodes.Status403Forbidden),
                };
            });
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityAuthenticationStateProvider>();
        services.AddScoped<AdminGate>();
        services.AddSingleton<SignInThrottle>();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(5);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(title: "Too many requests", detail: $"Slow down; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.", statusCode: 429)
                    .ExecuteAsync(context.HttpContext);
            };
            o.AddPolicy(AccountEndpoints.SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = security.SignInPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Concurrency per user, not a per-minute count: a 1,000-photo import from the page or a script never hits it.
            o.AddPolicy(UploadRateLimit, context => RateLimitPartition.GetConcurrencyLimiter(
                context.User.ToViewer().UserId ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new ConcurrencyLimiterOptions { PermitLimit = security.UploadConcurrencyPerUser, QueueLimit = security.UploadQueuePerUser, QueueProcessingOrder = QueueProcessingOrder.OldestFirst }));
        });
        return services;
    }

    public static WebApplication UsePipelineSecurity(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<FirstRunRedirectMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static Task StatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (UiPaths.AnswersWithStatusCode(path))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
