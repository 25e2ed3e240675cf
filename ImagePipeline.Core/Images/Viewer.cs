namespace ImagePipeline.Core.Images;

/// <summary>Who is asking: an admin sees every image, anyone else only their own.</summary>
public sealed record Viewer(string? UserId, bool IsAdmin)
{
    public static Viewer System { get; } = new(null, true);

    public bool CanSee(string? ownerId) => IsAdmin || string.Equals(ownerId, UserId, StringComparison.Ordinal);
}
