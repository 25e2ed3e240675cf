namespace ImagePipeline.Core.Jobs;

/// <summary>
/// A job this runner holds: the fencing token is (<see cref="RunnerId"/>, <see cref="Version"/>).
/// Every renewal bumps the version; a finish with a stale version changes nothing.
/// </summary>
public sealed class JobClaim(Job job, string runnerId, long attemptId)
{
    public Job Job { get; } = job;

    public Guid JobId => Job.Id;

    public string RunnerId { get; } = runnerId;

    public int Version { get; internal set; } = job.Version;

    public long AttemptId { get; } = attemptId;
}
