namespace ImagePipeline.Core.Jobs;

/// <summary>Does the work of one job type. Returns the storage key of the asset it wrote.</summary>
/// <remarks>Throw <see cref="Processing.CorruptImageException"/> for input that can never succeed: it fails at once without retries.</remarks>
public interface IJobHandler
{
    JobType Type { get; }

    Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken);
}
