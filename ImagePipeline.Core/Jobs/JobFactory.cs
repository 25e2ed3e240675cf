using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Jobs;

/// <summary>Builds new queue rows with the configured attempt limit.</summary>
public sealed class JobFactory(IOptions<PipelineOptions> options, TimeProvider time)
{
    public static readonly JobType[] AssetJobTypes = [JobType.Preview, JobType.Thumbnail];

    public Job Create(Guid imageId, JobType type)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new Job
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            ImageId = imageId,
            Type = type,
            Status = JobStatus.Pending,
            MaxAttempts = options.Value.Runner.MaxAttempts,
            RunAfter = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
