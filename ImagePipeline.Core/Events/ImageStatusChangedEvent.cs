using ImagePipeline.Core.Images;

namespace ImagePipeline.Core.Events;

/// <summary>Pushed on every image status change (SignalR <c>ImageStatusChanged</c>).</summary>
public sealed record ImageStatusChangedEvent(Guid ImageId, ImageStatus Status, DateTime OccurredAt)
{
    /// <summary>Who owns the image; used to route the event, not sent to clients.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? OwnerId { get; init; }

    public static ImageStatusChangedEvent Of(Image image) => new(image.Id, image.Status, image.UpdatedAt) { OwnerId = image.OwnerId };
}
