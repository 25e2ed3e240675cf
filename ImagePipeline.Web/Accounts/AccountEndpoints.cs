using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Accounts;

/// <summary>The form posts behind the sign-in and setup pages (antiforgery-checked, rate-limited) and sign-out.</summary>
public static class AccountEndpoints
{
    public const string SignInRateLimit = "sign-in";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(AccountPaths.SignIn, SignInAsync).AllowAnonymous().RequireRateLimiting(SignInRateLimit).ExcludeFromDescription();
        app.MapPost(AccountPaths.SetupSubmit, SetupAsync).AllowAnonymous().RequireRateLimiting(SignInRateLimit).ExcludeFromDescription();
        app.MapPost(AccountPaths.Logout, async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect(AccountPaths.Login);
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string userName, [FromForm] string password, [FromForm] string? returnUrl, HttpContext context,
        SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInThrottle throttle, IOptions<PipelineOptions> options)
    {
        // Throttled per (submitted name, client address) and per address, before any lookup: an unknown name is throttled
        // exactly like a real one, and a stranger's failures never lock the real user out from another address.
        var name = users.NormalizeName(userName.Trim());
        var client = context.Connection.RemoteIpAddress; // the client's, after the forwarded-headers middleware
        if (throttle.RefusedFor(name, client) is not null)
        {
            return Back("locked", returnUrl);
        }

        var user = await users.FindByNameAsync(userName.Trim()) ?? await users.FindByEmailAsync(userName.Trim());
        if (user is null or { IsDisabled: true })
        {
            // Unknown and disabled users get the same answer after the same work (one password hash check), so neither the
            // message nor the time tells whether an account exists.
            users.PasswordHasher.VerifyHashedPassword(user ?? new AppUser(), DecoyHash(users), password);
            throttle.Failed(name, client);
            return Back("invalid", returnUrl);
        }

        // Identity's own, account-wide lockout is only a backstop at a much higher threshold (AccountLockoutThreshold)
        // against guessing from many addresses; the (name, address) throttle above does the everyday work.
        var backstop = options.Value.Security.AccountLockoutThreshold > 0;
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: backstop);
        if (result.Succeeded)
        {
            throttle.Succeeded(name, client);
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }

        throttle.Failed(name, client);
        return Back(result.IsLockedOut ? "locked" : "invalid", returnUrl);
    }

    private static async Task<IResult> SetupAsync(
        [FromForm] string userName, [FromForm] string password, [FromForm] string confirmPassword,
        AccountService accounts, FirstRunState firstRun, SignInManager<AppUser> signIn, UserManager<AppUser> users, CancellationToken cancellationToken)
    {
        if (!await firstRun.NeedsSetupAsync(cancellationToken))
        {
            return Results.Problem(title: "Setup is done", detail: "An admin account already exists; sign in instead.", statusCode: StatusCodes.Status409Conflict);
        }

        if (!string.Equals(password, confirmPassword, StringComparison.Ordinal))
        {
            return Results.LocalRedirect($"{AccountPaths.Setup}?error=mismatch");
        }

        var result = await accounts.CreateFirstAdminAsync(userName, password, cancellationToken);
        if (!result.Succeeded)
        {
            var message = string.Join(" ", result.Errors.Select(e => e.Description));
            return Results.LocalRedirect($"{AccountPaths.Setup}?error={Uri.EscapeDataString(message)}");
        }

        var admin = await users.FindByNameAsync(userName.Trim());
        await signIn.SignInAsync(admin!, isPersistent: true);
        return Results.LocalRedirect("/");
    }

    private static string? _decoyHash;

    /// <summary>A hash of a random password, made by the app's own hasher (same algorithm and cost as a real account's).</summary>
    private static string DecoyHash(UserManager<AppUser> users) =>
        _decoyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    private static IResult Back(string error, string? returnUrl) =>
        Results.LocalRedirect($"{AccountPaths.Login}?error={error}&returnUrl={Uri.EscapeDataString(SafeReturnUrl(returnUrl))}");

    /// <summary>Only local paths: never an open redirect.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
