using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using Microsoft.AspNetCore.SignalR;

namespace ImagePipeline.Web.Hubs;

/// <summary>
/// <c>/hubs/progress</c>: clients subscribe to images (or to everything they may see) and receive
/// <c>ImageStatusChanged</c> and <c>JobStatusChanged</c>. A subscription to someone else's image is silently ignored.
/// </summary>
public sealed class ProgressHub(ImageQueries images) : Hub
{
    public const string Path = "/hubs/progress";
    public const string ImageStatusChanged = "ImageStatusChanged";
    public const string JobStatusChanged = "JobStatusChanged";

    public static string ImageGroup(Guid imageId) => $"image:{imageId:N}";

    public static string OwnerGroup(string? ownerId) => $"owner:{ownerId ?? "-"}";

    public const string AllGroup = "all";

    public async Task SubscribeToImages(Guid[] imageIds)
    {
        var viewer = Context.User?.ToViewer() ?? Viewer.System;
        var ids = imageIds.Distinct().Take(1000).ToList();
        var visible = await images.VisibleIdsAsync(viewer, ids, Context.ConnectionAborted);
        foreach (var id in visible)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ImageGroup(id), Context.ConnectionAborted);
        }
    }

    public async Task UnsubscribeFromImages(Guid[] imageIds)
    {
        foreach (var id in imageIds.Distinct().Take(1000))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, ImageGroup(id), Context.ConnectionAborted);
        }
    }

    /// <summary>Every image the caller may see: all of them for an admin, their own for a user.</summary>
    public Task SubscribeToAll()
    {
        var viewer = Context.User?.ToViewer() ?? Viewer.System;
        return Groups.AddToGroupAsync(Context.ConnectionId, viewer.IsAdmin ? AllGroup : OwnerGroup(viewer.UserId), Context.ConnectionAborted);
    }
}
