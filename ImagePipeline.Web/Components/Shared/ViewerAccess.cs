using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;

namespace ImagePipeline.Web.Components.Shared;

/// <summary>Who is looking at a component, and whether an event about someone's image is theirs to see.</summary>
public static class ViewerAccess
{
    public static readonly Viewer Anonymous = new(null, false);

    public static async Task<Viewer> ResolveAsync(Task<AuthenticationState>? state) =>
        state is null ? Anonymous : (await state).User.ToViewer();

    /// <summary>The same rule as <see cref="ImageQueries"/>: an admin sees all, anyone else the images they own.</summary>
    public static bool MaySee(this Viewer viewer, string? ownerId) => viewer.IsAdmin || ownerId == viewer.UserId;
}
