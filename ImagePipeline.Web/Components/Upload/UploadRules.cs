using ImagePipeline.Core.Images;
using ImagePipeline.Web.Components.Shared;

namespace ImagePipeline.Web.Components.Upload;

/// <summary>The client-side check of a chosen file: obviously wrong files never leave the browser.</summary>
public static class UploadRules
{
    /// <summary>Files sent at once: below the server's Pipeline:Security:UploadConcurrencyPerUser (8) so one tab never hits it.</summary>
    public const int Parallelism = 4;

    private static readonly HashSet<string> AcceptedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
    };

    private static readonly HashSet<string> AcceptedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff",
    };

    private static FileKind? HeadKind(string? head)
    {
        if (string.IsNullOrEmpty(head) || head.Length > 4 * FileKindSniffer.ClientHeadLength)
        {
            return null;
        }

        var bytes = new byte[FileKindSniffer.ClientHeadLength * 2];
        return Convert.TryFromBase64String(head, bytes, out var written) ? FileKindSniffer.Identify(bytes.AsSpan(0, written)) : null;
    }

    /// <summary>The <c>accept</c> attribute of the file input.</summary>
    public static string Accept { get; } = string.Join(',', AcceptedTypes.Concat(AcceptedExtensions));

    /// <summary>Null when the file may be sent; otherwise the reason, for the user.</summary>
    /// <remarks>
    /// The first bytes (<see cref="ChosenFile.Head"/>) go through the server's own <see cref="FileKindSniffer"/>, so a HEIC, AVIF,
    /// RAW, PDF or video is refused here with the very words the upload endpoint would answer.
    /// </remarks>
    public static string? Check(ChosenFile file, long maxBytes)
    {
        if (HeadKind(file.Head) is { } kind)
        {
            return kind.Detail;
        }

        var known = file.Type.Length > 0
            ? AcceptedTypes.Contains(file.Type)
            : AcceptedExtensions.Contains(Path.GetExtension(file.Name));
        if (!known)
        {
            if (FileKindSniffer.FromNameOrType(file.Name, file.Type) is { } named)
            {
                return named.Detail;
            }

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

/// <summary>What the browser tells us about a chosen file before sending it; <c>Head</c>: its first bytes, base64.</summary>
public sealed record ChosenFile(string Key, string Name, long Size, string Type, string? Head = null);
