using ImagePipeline.Core.Accounts;
using Microsoft.AspNetCore.Components.Authorization;

namespace ImagePipeline.Web.Accounts;

/// <summary>
/// Checked inside every admin action of a page (not only when the page renders): the circuit's user must still be an
/// enabled admin with the same security stamp, read from the database now.
/// </summary>
public sealed class AdminGate(AuthenticationStateProvider authentication, IServiceScopeFactory scopes)
{
    public const string Refused = "You are no longer an administrator.";

    public async Task<bool> IsAdminNowAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountService>().IsCurrentAsync(state.User, requireAdmin: true);
    }

    /// <summary>The circuit's user, for the account services that check it themselves.</summary>
    public async Task<System.Security.Claims.ClaimsPrincipal> CurrentUserAsync() =>
        (await authentication.GetAuthenticationStateAsync()).User;
}
