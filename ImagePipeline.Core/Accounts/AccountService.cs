using System.Security.Claims;
using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Accounts;

/// <summary>Users through Identity's own machinery: first-run admin, create, disable/enable, reset password.</summary>
public sealed class AccountService(
    UserManager<AppUser> users, RoleManager<IdentityRole> roles, PipelineDbContext db, FirstRunState firstRun, TimeProvider time)
{
    /// <summary>
    /// Creates the first admin. Fails once any user exists: setup happens once. The admin is created in the transaction that
    /// claims the single <see cref="FirstRunClaim"/> row, so two setups at once (even from two instances) create one admin.
    /// </summary>
    public async Task<IdentityResult> CreateFirstAdminAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return SetupDone();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            db.FirstRunClaims.Add(new FirstRunClaim { UserName = userName.Trim(), ClaimedAt = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return SetupDone();
        }

        var result = await CreateAsync(userName, password, Roles.Admin);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return result;
        }

        await transaction.CommitAsync(CancellationToken.None);
        firstRun.MarkDone();
        return result;
    }

    private static IdentityResult SetupDone() =>
        IdentityResult.Failed(new IdentityError { Code = "SetupDone", Description = "An admin account already exists." });

    /// <summary>
    /// Whether <paramref name="principal"/> still stands for what it claims: its user exists, is enabled, has the same
    /// security stamp, still holds every role the principal carries, and (with <paramref name="requireAdmin"/>) is an admin.
    /// A Blazor circuit's user is checked with this every minute, and every admin action checks it first.
    /// </summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, bool requireAdmin)
    {
        if (users.GetUserId(principal) is not { } id || await users.FindByIdAsync(id) is not { IsDisabled: false } user)
        {
            return false;
        }

        if (users.SupportsUserSecurityStamp
            && principal.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType) is { } stamp
            && !string.Equals(stamp, await users.GetSecurityStampAsync(user), StringComparison.Ordinal))
        {
            return false;
        }

        var roleNow = await users.GetRolesAsync(user);
        var claimed = principal.FindAll(users.Options.ClaimsIdentity.RoleClaimType).Select(c => c.Value);
        return claimed.All(roleNow.Contains) && (!requireAdmin || roleNow.Contains(Roles.Admin));
    }

    /// <summary>Creates a user, if <paramref name="actor"/> is still an admin.</summary>
    public async Task<IdentityResult> CreateAsync(ClaimsPrincipal actor, string userName, string password, string role) =>
        await IsCurrentAsync(actor, requireAdmin: true) ? await CreateAsync(userName, password, role) : NotAdmin();

    /// <summary>Disables or enables a user, if <paramref name="actor"/> is still an admin.</summary>
    public async Task<IdentityResult> SetDisabledAsync(ClaimsPrincipal actor, string userId, bool disabled) =>
        await IsCurrentAsync(actor, requireAdmin: true) ? await SetDisabledAsync(userId, disabled) : NotAdmin();

    /// <summary>Resets a password, if <paramref name="actor"/> is still an admin.</summary>
    public async Task<IdentityResult> ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword) =>
        await IsCurrentAsync(actor, requireAdmin: true) ? await ResetPasswordAsync(userId, newPassword) : NotAdmin();

    private static IdentityResult NotAdmin() =>
        IdentityResult.Failed(new IdentityError { Code = "NotAdmin", Description = "You are no longer an administrator." });

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
