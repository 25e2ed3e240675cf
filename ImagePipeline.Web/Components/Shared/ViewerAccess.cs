using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;

namespace ImagePipeline.Web.Components.Shared;

/// <summary>Who is looking at a component (events are then filtered with <see cref="Viewer.CanSee"/>).</summary>
public static class ViewerAccess
{
    public static readonly Viewer Anonymous = new(null, false);

    public static async Task<Viewer> ResolveAsync(Task<AuthenticationState>? state) =>
        state is null ? Anonymous : (await state).User.ToViewer();
}
