namespace ImagePipeline.Core.Jobs;

/// <summary>One run of a job by one runner: the admin timeline.</summary>
public sealed class JobAttempt
{
    public long Id { get; set; }

    public Guid JobId { get; set; }

    public int Number { get; set; }

    public string RunnerId { get; set; } = "";

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>COMPLETED, RETRY, FAILED, RELEASED or LOST (lease taken over).</summary>
    public string? Outcome { get; set; }

    public string? Error { get; set; }
}
