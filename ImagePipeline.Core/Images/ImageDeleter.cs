using ImagePipeline.Core.Data;
using ImagePipeline.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Images;

/// <summary>Deletes an image completely: its row and jobs (one transaction), then every file it had.</summary>
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

        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.Jobs.Where(j => j.ImageId == id).ExecuteDeleteAsync(cancellationToken);
            await db.Images.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        foreach (var key in new[] { image.OriginalPath, image.LegacyTempPath, image.PreviewPath, image.ThumbnailPath })
        {
            if (key is null)
            {
                continue;
            }

            try
            {
                storage.Delete(key);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                LogFileNotDeleted(logger, ex, key);
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete file {Key} of a deleted image")]
    private static partial void LogFileNotDeleted(ILogger logger, Exception exception, string key);
}
