namespace ImagePipeline.Core.Images;

/// <summary>One uploaded photo: what was sniffed from its bytes, where its files are, and its pipeline status.</summary>
public sealed class Image
{
    public Guid Id { get; set; }

    /// <summary>The client's file name, for display only: never used to build a path.</summary>
    public string OriginalFileName { get; set; } = "";

    /// <summary>MIME type sniffed from the bytes (never the client's).</summary>
    public string ContentType { get; set; } = "";

    /// <summary>Format name as sniffed: JPEG, PNG, GIF, WEBP, BMP, TIFF.</summary>
    public string? Format { get; set; }

    public long SizeBytes { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Lower-case hex SHA-256 of the original's bytes.</summary>
    public string? Sha256 { get; set; }

    public DateTime? CapturedAt { get; set; }

    public string? CameraMake { get; set; }

    public string? CameraModel { get; set; }

    /// <summary>EXIF orientation 1–8 where present.</summary>
    public int? Orientation { get; set; }

    /// <summary>Storage key of the original, relative to the data directory.</summary>
    public string? OriginalPath { get; set; }

    /// <summary>Path of the original in the predecessor's layout (Phase 1). Kept for upgraded rows.</summary>
    public string? LegacyTempPath { get; set; }

    /// <summary>A motion photo's video: where the MP4 starts inside the original, in bytes; null when there is none.</summary>
    public long? VideoOffset { get; set; }

    /// <summary>A motion photo's video: its length in bytes.</summary>
    public long? VideoLength { get; set; }

    public string? ThumbnailPath { get; set; }

    public string? PreviewPath { get; set; }

    /// <summary>The user who uploaded it (Identity user id); null for rows from before accounts existed.</summary>
    public string? OwnerId { get; set; }

    public ImageStatus Status { get; set; } = ImageStatus.Ingested;

    /// <summary>How often the owner (not an admin) has retried this image's failed jobs; capped by <c>Pipeline:Runner:OwnerRetries</c>.</summary>
    public int OwnerRetries { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>When the owner moved it to the trash; null while it is in the library. Purged after the retention.</summary>
    public DateTime? TrashedAt { get; set; }

    /// <summary>Optimistic-concurrency token, bumped on every update.</summary>
    public int Version { get; set; }

    public List<Jobs.Job> Jobs { get; set; } = [];

    /// <summary>The storage key of the original, whichever generation wrote the row.</summary>
    public string? SourcePath => OriginalPath ?? LegacyTempPath;
}
