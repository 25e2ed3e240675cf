using ImagePipeline.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

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
        [FromForm] string userName, [FromForm] string password, [FromForm] string? returnUrl,
        SignInManager<AppUser> signIn, UserManager<AppUser> users)
    {
        var user = await users.FindByNameAsync(userName.Trim()) ?? await users.FindByEmailAsync(userName.Trim());
        if (user is null or { IsDisabled: true })
        {
            // Unknown and disabled users get the same answer after the same work (one password hash check), so neither the
            // message nor the time tells whether an account exists.
            users.PasswordHasher.VerifyHashedPassword(user ?? new AppUser(), DecoyHash(users), password);
            return Back("invalid", returnUrl);
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }

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
