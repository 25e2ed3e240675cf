using ImagePipeline.Core.Data;
using ImagePipeline.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Deletes an image completely: its row (its jobs and their attempts go with it, by the foreign keys' cascade), then every
/// file it has or may get — including a preview or thumbnail a running job is writing right now (that job, finding its
/// image gone, deletes what it wrote; the periodic orphan sweep catches anything left).
/// </summary>
public sealed partial class ImageDeleter(IDbContextFactory<PipelineDbContext> contexts, IAssetStorage storage, ILogger<ImageDeleter> logger)
{
    public async Task<bool> DeleteAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !viewer.CanSee(image.OwnerId))
        {
            return false;
        }

        if (await db.Images.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        foreach (var key in new[] { image.OriginalPath, image.LegacyTempPath, image.PreviewPath, image.ThumbnailPath })
        {
            TryDelete(() => storage.Delete(key!), key, skip: key is null);
        }

        TryDelete(() => storage.DeleteAssets(id), $"{id:N}.*", skip: false);
        return true;
    }

    private void TryDelete(Action delete, string? key, bool skip)
    {
        if (skip)
        {
            return;
        }

        try
        {
            delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogFileNotDeleted(logger, ex, key ?? "");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete file {Key} of a deleted image")]
    private static partial void LogFileNotDeleted(ILogger logger, Exception exception, string key);
}
