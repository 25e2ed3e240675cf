using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Colours of derived assets. An RGB original tagged with a profile other than sRGB (ProPhoto, Adobe RGB, Display P3...) has its
/// small result converted to sRGB when the profile is a matrix/TRC one (<see cref="MatrixShaperProfile"/>; nearly all are), and
/// otherwise keeps the profile with its pixels (ImageSharp's JPEG encoder writes it), so a colour-managed viewer shows the
/// original's colours either way. sRGB needs no tag. A CMYK or grey profile never goes into an RGB output (ImageSharp already
/// turned those pixels into RGB); neither does a profile that cannot be read.
/// </summary>
public static class ColourProfile
{
    public static IccProfile? ForDerived(IccProfile? profile)
    {
        if (profile is null)
        {
            return null;
        }

        try
        {
            if (profile.Header.DataColorSpace != IccColorSpaceType.Rgb || !profile.CheckIsValid())
            {
                return null;
            }

            var bytes = profile.ToByteArray();
            return IsSrgb(bytes) ? null : new IccProfile(bytes);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException or InvalidIccProfileException)
        {
            return null;
        }
    }

    /// <summary>Brings <paramref name="image"/> (pixels in <paramref name="profile"/>'s space) to sRGB, or tags it with the profile.</summary>
    public static void Apply(Image<Rgb24> image, IccProfile? profile)
    {
        if (profile is null)
        {
            return;
        }

        if (MatrixShaperProfile.TryParse(profile.ToByteArray()) is { } matrixShaper)
        {
            matrixShaper.ConvertToSrgb(image);
            image.Metadata.IccProfile = null;
        }
        else
        {
            image.Metadata.IccProfile = profile;
        }
    }

    /// <summary>Whether the profile's description (tag <c>desc</c>, ASCII or UTF-16) names sRGB.</summary>
    private static bool IsSrgb(byte[] bytes)
    {
        if (bytes.Length < 132)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(128));
        for (var i = 0; i < count && 132 + ((i + 1) * 12) <= bytes.Length; i++)
        {
            var entry = bytes.AsSpan(132 + (i * 12), 12);
            if (!entry[..4].SequenceEqual("desc"u8))
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            var size = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            if (offset > bytes.Length || size > bytes.Length - offset)
            {
                return false;
            }

            var data = bytes.AsSpan((int)offset, (int)size);
            return data.IndexOf("sRGB"u8) >= 0 || data.IndexOf("\0s\0R\0G\0B"u8) >= 0;
        }

        return false;
    }
}
