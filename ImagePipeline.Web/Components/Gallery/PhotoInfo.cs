using System.Globalization;
using ImagePipeline.Core.Images;

namespace ImagePipeline.Web.Components.Gallery;

/// <summary>How the viewer's info panel words a photo's details, and whether a browser can show its original.</summary>
public static class PhotoInfo
{
    private static readonly HashSet<string> BrowserFormats = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp",
    };

    /// <summary>JPEG, PNG, GIF, WebP and BMP originals can be zoomed into; a TIFF (no browser shows one) keeps its preview.</summary>
    public static bool BrowserCanShow(string? contentType) => contentType is not null && BrowserFormats.Contains(contentType);

    /// <summary>"1/250 s · f/2.8 · 50 mm · ISO 100", or null when the photo says none of it.</summary>
    public static string? Exposure(PhotoDetails? details)
    {
        if (details is null)
        {
            return null;
        }

        var parts = new List<string>(4);
        if (details.ExposureSeconds is { } t)
        {
            parts.Add(Shutter(t));
        }

        if (details.FNumber is { } f)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"f/{f:0.#}"));
        }

        if (details.FocalLengthMm is { } mm)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{mm:0.#} mm"));
        }

        if (details.Iso is { } iso)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ISO {iso}"));
        }

        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>A shutter speed as photographers write it: 1/250 s below a third of a second, else 0.5 s, 2 s.</summary>
    public static string Shutter(double seconds) => seconds < 0.3
        ? string.Create(CultureInfo.InvariantCulture, $"1/{Math.Round(1 / seconds):0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s");

    /// <summary>"48.85837° N, 2.29448° E", or null without a place.</summary>
    public static string? Place(PhotoDetails? details) =>
        details is { Latitude: { } lat, Longitude: { } lon }
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(lat):0.00000}° {(lat < 0 ? 'S' : 'N')}, {Math.Abs(lon):0.00000}° {(lon < 0 ? 'W' : 'E')}")
            : null;
}
