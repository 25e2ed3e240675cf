using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Accounts;

/// <summary>One user as the admin's user list shows it.</summary>
public sealed record UserSummary(string Id, string Name, IReadOnlyList<string> Roles, bool Disabled, bool LockedOut);

/// <summary>Reads of the user accounts for the admin; every read takes its own short-lived context from the factory.</summary>
public sealed class UserQueries(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName)
            .Select(u => new { u.Id, u.UserName, u.IsDisabled, u.LockoutEnabled, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var roles = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           select new { userRole.UserId, role.Name })
            .AsNoTracking().ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. users.Select(u => new UserSummary(
            u.Id,
            u.UserName ?? u.Id,
            [.. roles.Where(r => r.UserId == u.Id && r.Name != null).Select(r => r.Name!).Order(StringComparer.Ordinal)],
            u.IsDisabled,
            u.LockoutEnabled && u.LockoutEnd is { } end && end > now))];
    }
}
