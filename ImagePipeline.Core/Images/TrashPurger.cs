using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Images;

/// <summary>Deletes for good, with their files, the photos that have been in the trash longer than <c>Pipeline:Trash:RetentionDays</c>.</summary>
public sealed partial class TrashPurger(
    IDbContextFactory<PipelineDbContext> contexts, ImageDeleter deleter, TimeProvider time, IOptions<PipelineOptions> options, ILogger<TrashPurger> logger)
{
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(options.Value.Trash.RetentionDays);
        var purged = 0;
        while (true)
        {
            List<Guid> due;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                due = await db.Images.AsNoTracking().Where(i => i.TrashedAt != null && i.TrashedAt <= cutoff)
                    .OrderBy(i => i.TrashedAt).Select(i => i.Id).Take(200).ToListAsync(cancellationToken);
            }

            if (due.Count == 0)
            {
                break;
            }

            foreach (var id in due)
            {
                if (await deleter.DeleteAsync(Viewer.System, id, cancellationToken))
                {
                    purged++;
                }
            }
        }

        if (purged > 0)
        {
            LogPurged(logger, purged, options.Value.Trash.RetentionDays);
        }

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} photos that were in the trash for more than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, int days);
}
