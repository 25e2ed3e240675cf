namespace ImagePipeline.Core.Jobs;

/// <summary>State of a job in the durable queue. Stored and serialized as upper-case names.</summary>
public enum JobStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled,
}
