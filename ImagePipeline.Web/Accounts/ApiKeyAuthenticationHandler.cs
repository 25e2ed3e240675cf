using System.Security.Claims;
using System.Text.Encodings.Web;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Accounts;

/// <summary>Signs in a request that carries <c>X-Api-Key</c>: a user's live key, or the configured bootstrap admin key.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    UserManager<AppUser> users,
    IOptions<PipelineOptions> pipeline)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string BootstrapUserId = "bootstrap-admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.ToString() is not { Length: > 0 } presented)
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKeyService.MatchesBootstrap(presented, pipeline.Value.Security.BootstrapApiKey))
        {
            return Success(BootstrapUserId, "bootstrap", [Roles.Admin]);
        }

        var key = await keys.ValidateAsync(presented, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }

        var user = await users.FindByIdAsync(key.UserId);
        // Only a disabled user's keys stop: a sign-in lockout (anyone who knows the name can cause one) never switches off scripts.
        if (user is null || user.IsDisabled)
        {
            return AuthenticateResult.Fail("The key's user is disabled.");
        }

        return Success(user.Id, user.UserName ?? user.Id, await users.GetRolesAsync(user));
    }

    private AuthenticateResult Success(string userId, string name, IEnumerable<string> roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, userId), new(ClaimTypes.Name, name) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
