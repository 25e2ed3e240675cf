using System.Security.Claims;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Images;

namespace ImagePipeline.Web.Api;

/// <summary>The <see cref="Viewer"/> of a signed-in principal (cookie or API key).</summary>
public static class ViewerExtensions
{
    public static Viewer ToViewer(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.IsInRole(Roles.Admin));
}
