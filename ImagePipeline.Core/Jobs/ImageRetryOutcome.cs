namespace ImagePipeline.Core.Jobs;

/// <summary>What a retry of one image's failed jobs did.</summary>
public enum ImageRetryOutcome
{
    Retried,

    /// <summary>No such image, or not the viewer's.</summary>
    NotFound,

    /// <summary>The image has no FAILED or CANCELLED job.</summary>
    NothingToRetry,

    /// <summary>The owner has used the retries an owner gets for this image (<c>Pipeline:Runner:OwnerRetries</c>).</summary>
    LimitReached,
}
