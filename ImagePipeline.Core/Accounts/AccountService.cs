using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Accounts;

/// <summary>Users through Identity's own machinery: first-run admin, create, disable/enable, reset password.</summary>
public sealed class AccountService(UserManager<AppUser> users, RoleManager<IdentityRole> roles, FirstRunState firstRun, TimeProvider time)
{
    private static readonly SemaphoreSlim SetupGate = new(1, 1);

    /// <summary>Creates the first admin. Fails once any user exists: setup happens once.</summary>
    public async Task<IdentityResult> CreateFirstAdminAsync(string userName, string password, CancellationToken cancellationToken)
    {
        await SetupGate.WaitAsync(cancellationToken);
        try
        {
            if (await users.Users.AnyAsync(cancellationToken))
            {
                return IdentityResult.Failed(new IdentityError { Code = "SetupDone", Description = "An admin account already exists." });
            }

            var result = await CreateAsync(userName, password, Roles.Admin);
            if (result.Succeeded)
            {
                firstRun.MarkDone();
            }

            return result;
        }
        finally
        {
            SetupGate.Release();
        }
    }

    public async Task<IdentityResult> CreateAsync(string userName, string password, string role)
    {
        foreach (var name in new[] { Roles.Admin, Roles.User })
        {
            if (!await roles.RoleExistsAsync(name))
            {
                await roles.CreateAsync(new IdentityRole(name));
            }
        }

        var user = new AppUser
        {
            UserName = userName.Trim(),
            Email = userName.Contains('@', StringComparison.Ordinal) ? userName.Trim() : null,
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRoleAsync(user, role == Roles.Admin ? Roles.Admin : Roles.User) : created;
    }

    /// <summary>A disabled user cannot sign in, and their cookies and API keys stop working at once.</summary>
    public async Task<IdentityResult> SetDisabledAsync(string userId, bool disabled)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return IdentityResult.Failed(new IdentityError { Code = "NotFound", Description = "No such user." });
        }

        user.IsDisabled = disabled;
        var result = await users.UpdateAsync(user);
        return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
    }

    public async Task<IdentityResult> ResetPasswordAsync(string userId, string newPassword)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return IdentityResult.Failed(new IdentityError { Code = "NotFound", Description = "No such user." });
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }

        return result;
    }
}
