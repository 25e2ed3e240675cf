using ImagePipeline.Core.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace ImagePipeline.Web.Accounts;

/// <summary>
/// A Blazor circuit lives as long as its tab: every minute its user is checked against the database (exists, enabled, same
/// security stamp, same roles), and a disabled or demoted user becomes anonymous in the open tab, losing its pages at once.
/// </summary>
public sealed class RevalidatingIdentityAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountService>().IsCurrentAsync(authenticationState.User, requireAdmin: false);
    }
}
