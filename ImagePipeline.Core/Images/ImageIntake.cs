using System.Security.Cryptography;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Takes an upload stream to an INGESTED image: streams it to a temp file while hashing and counting,
/// sniffs and inspects it, then moves it into place and commits the image and its jobs in one transaction.
/// Anything refused or interrupted leaves no file and no row.
/// </summary>
public sealed partial class ImageIntake(
    PipelineDbContext db,
    IAssetStorage storage,
    JobFactory jobs,
    IPipelineEventPublisher events,
    IRunnerWakeup wakeup,
    PipelineMetrics metrics,
    WarmupStandAside warmup,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<ImageIntake> logger)
{
    public async Task<IntakeResult> IngestAsync(Stream content, string? fileName, string? ownerId, CancellationToken cancellationToken)
    {
        warmup.RealUploadArrived(); // the start-up warm-up, if still running, leaves the pool priming to this upload
        var limits = options.Value.Upload;
        using var temp = storage.CreateTempFile();
        var (size, sha256) = await CopyAndHashAsync(content, temp.Path, limits.MaxBytes, cancellationToken);
        EnsureHeadroom(limits.MinFreeBytes);
        var facts = ImageInspector.Inspect(temp.Path, limits.MaxPixels);

        var existing = await FindDuplicateAsync(sha256, ownerId, cancellationToken);
        if (existing is not null)
        {
            LogDuplicate(logger, existing.Id);
            metrics.Uploaded(duplicate: true);
            return new IntakeResult(existing, Duplicate: true);
        }

        var now = time.GetUtcNow();
        var image = new Image
        {
            Id = Guid.CreateVersion7(now),
            OriginalFileName = DisplayName(fileName),
            ContentType = facts.ContentType,
            Format = facts.Format,
            SizeBytes = size,
            Width = facts.Width,
            Height = facts.Height,
            Sha256 = sha256,
            CapturedAt = facts.CapturedAt,
            CameraMake = facts.CameraMake,
            CameraModel = facts.CameraModel,
            Orientation = facts.Orientation,
            VideoOffset = facts.Video?.Offset,
            VideoLength = facts.Video?.Length,
            OwnerId = ownerId,
            Status = ImageStatus.Ingested,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
        };
        image.OriginalPath = storage.KeyFor(image.Id, Storage.AssetKind.Original, facts.Extension);
        var newJobs = JobFactory.AssetJobTypes.Select(type => jobs.Create(image.Id, type)).ToList();

        // From here on the upload is whole: finish even if the client goes away now.
        await storage.PromoteAsync(temp, image.OriginalPath, CancellationToken.None);
        try
        {
            db.Images.Add(image);
            db.Jobs.AddRange(newJobs);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            storage.Delete(image.OriginalPath);
            if (DiskFull.IsDiskFull(ex))
            {
                throw OutOfSpace();
            }

            if (UniqueViolation.Is(ex))
            {
                // The same bytes were stored by a concurrent upload of this owner a moment ago: that one won.
                db.ChangeTracker.Clear();
                if (await FindDuplicateAsync(sha256, ownerId, CancellationToken.None) is { } winner)
                {
                    LogDuplicate(logger, winner.Id);
                    return new IntakeResult(winner, Duplicate: true);
                }
            }

            throw;
        }

        LogIngested(logger, image.Id, facts.Format, facts.Width, facts.Height, size);
        metrics.Uploaded(duplicate: false);
        // The new image first, then its queued jobs.
        await events.PublishAsync(new ChangeSet(null, ImageStatusChangedEvent.Of(image)), CancellationToken.None);
        await events.PublishAsync(new ChangeSet([.. newJobs.Select(job => JobStatusChangedEvent.Of(job, ownerId, job.UpdatedAt))], []), CancellationToken.None);
        wakeup.Wake();
        return new IntakeResult(image, Duplicate: false);
    }

    private Task<Image?> FindDuplicateAsync(string sha256, string? ownerId, CancellationToken cancellationToken) =>
        db.Images.AsNoTracking().Where(i => i.Sha256 == sha256 && i.OwnerId == ownerId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Streams the body to <paramref name="path"/>, hashing and counting as it arrives, and makes it durable. Records how
    /// long the body took to arrive (<see cref="PipelineMetrics.UploadReceived"/>): the transfer, which the work overlaps.</summary>
    private async Task<(long Size, string Sha256)> CopyAndHashAsync(Stream content, string path, long maxBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var started = time.GetTimestamp();
        var buffer = new byte[128 * 1024];
        long total = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new UploadRejectedException(UploadRejection.TooLarge, "File too large",
                        $"The upload is larger than the limit of {maxBytes / (1024.0 * 1024.0):0.#} MB.");
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            metrics.UploadReceived(time.GetElapsedTime(started).TotalSeconds);

            // Durable before it is acknowledged: a crash after the 201 must not lose the photo.
            file.Flush(flushToDisk: true);
        }
        catch (IOException ex) when (DiskFull.IsDiskFull(ex))
        {
            throw OutOfSpace();
        }

        if (total == 0)
        {
            throw new UploadRejectedException(UploadRejection.UnsupportedFormat, "Unsupported file type", "The file is empty.");
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private void EnsureHeadroom(long minFreeBytes)
    {
        if (minFreeBytes > 0 && storage.AvailableFreeSpace() is { } free && free < minFreeBytes)
        {
            throw OutOfSpace();
        }
    }

    private static UploadRejectedException OutOfSpace() =>
        new(UploadRejection.InsufficientStorage, "Insufficient storage",
            "The server is out of disk space; the upload was not kept. Try again once space has been freed.");

    /// <summary>A display name only: control characters removed, directories dropped, length capped.</summary>
    internal static string DisplayName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return "upload";
        }

        var name = fileName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        if (name.Length > 255)
        {
            name = name[..255];
        }

        return name.Length == 0 || name is "." or ".." ? "upload" : name;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested image {ImageId}: {Format} {Width}x{Height}, {Size} bytes")]
    private static partial void LogIngested(ILogger logger, Guid imageId, string format, int width, int height, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate upload of image {ImageId}")]
    private static partial void LogDuplicate(ILogger logger, Guid imageId);
}
