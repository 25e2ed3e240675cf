using ImagePipeline.Web.Components.Shared;

namespace ImagePipeline.Web.Components.Upload;

/// <summary>The client-side check of a chosen file: obviously wrong files never leave the browser.</summary>
public static class UploadRules
{
    public const int MaxFiles = 100;

    public const int Parallelism = 3;

    private static readonly HashSet<string> AcceptedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
    };

    private static readonly HashSet<string> AcceptedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff",
    };

    /// <summary>The <c>accept</c> attribute of the file input.</summary>
    public static string Accept { get; } = string.Join(',', AcceptedTypes.Concat(AcceptedExtensions));

    /// <summary>Null when the file may be sent; otherwise the reason, for the user.</summary>
    public static string? Check(ChosenFile file, long maxBytes)
    {
        var known = file.Type.Length > 0
            ? AcceptedTypes.Contains(file.Type)
            : AcceptedExtensions.Contains(Path.GetExtension(file.Name));
        if (!known)
        {
            var what = file.Type.Length > 0 ? file.Type : "an unknown type";
            return $"Not a supported image ({what}). Use JPEG, PNG, GIF, WebP, BMP or TIFF.";
        }

        if (file.Size == 0)
        {
            return "The file is empty.";
        }

        return file.Size > maxBytes
            ? $"Too large: {Humanize.Bytes(file.Size)}; the limit is {Humanize.Bytes(maxBytes)}."
            : null;
    }
}

/// <summary>What the browser tells us about a chosen file before sending it.</summary>
public sealed record ChosenFile(string Key, string Name, long Size, string Type);
