namespace ImagePipeline.Core.Storage;

/// <summary>
/// The one description of how assets are laid out and typed: the key of every asset kind (<c>originals/{id:N}.jpg</c>,
/// <c>previews/…</c>, <c>thumbnails/…</c>), the folder unreferenced originals are kept in, and the content type of a key.
/// Every store (the file system today, an object store later) uses these keys.
/// </summary>
public static class AssetLayout
{
    /// <summary>Where the orphan sweep keeps originals that belong to no image (never deleted by the app).</summary>
    public const string LostAndFoundFolder = "lost+found";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["jpg"] = "image/jpeg",
        ["png"] = "image/png",
        ["gif"] = "image/gif",
        ["webp"] = "image/webp",
        ["bmp"] = "image/bmp",
        ["tiff"] = "image/tiff",
    };

    public static IReadOnlyList<AssetKind> Kinds { get; } = [AssetKind.Original, AssetKind.Preview, AssetKind.Thumbnail];

    /// <summary>The asset folders, in the order backups hold them.</summary>
    public static IReadOnlyList<string> Folders { get; } = [.. Kinds.Select(Folder)];

    public static string Folder(AssetKind kind) => kind switch
    {
        AssetKind.Original => "originals",
        AssetKind.Preview => "previews",
        AssetKind.Thumbnail => "thumbnails",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The key of an asset: made from the image id only, never from a client's file name.</summary>
    public static string Key(Guid imageId, AssetKind kind, string extension) =>
        $"{Folder(kind)}/{imageId:N}.{extension.TrimStart('.').ToLowerInvariant()}";

    /// <summary>The image and kind a key of this layout belongs to; false for anything else (legacy paths, stray files).</summary>
    public static bool TryParse(string key, out Guid imageId, out AssetKind kind)
    {
        imageId = Guid.Empty;
        kind = default;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        var folder = key[..slash];
        var name = key[(slash + 1)..];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        foreach (var candidate in Kinds)
        {
            if (folder == Folder(candidate) && Guid.TryParseExact(dot < 0 ? name : name[..dot], "N", out imageId))
            {
                kind = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>The content type of a stored asset by its key's extension (derived assets: <c>image/jpeg</c> or <c>image/webp</c>).</summary>
    public static string ContentTypeOf(string key)
    {
        var extension = Path.GetExtension(key).TrimStart('.');
        return ContentTypes.TryGetValue(extension is "jpeg" ? "jpg" : extension is "tif" ? "tiff" : extension, out var type)
            ? type
            : "application/octet-stream";
    }

    /// <summary>The file extension (with its dot) for a content type; <c>.bin</c> when unknown.</summary>
    public static string ExtensionOf(string contentType) =>
        ContentTypes.FirstOrDefault(t => string.Equals(t.Value, contentType, StringComparison.OrdinalIgnoreCase)).Key is { } extension
            ? $".{extension}"
            : ".bin";
}
