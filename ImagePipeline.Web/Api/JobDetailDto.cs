using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Api;

/// <summary>One job for the admin: every field, the last error with its stack trace, and the attempts timeline.</summary>
public sealed record JobDetailDto(
    JobDto Job,
    string? LastErrorDetail,
    int Version,
    string? ImageFileName,
    IReadOnlyList<JobAttemptDto> Timeline)
{
    public static JobDetailDto From(Job job) => new(
        JobDto.From(job), job.LastErrorDetail, job.Version, job.Image?.OriginalFileName,
        [.. job.AttemptLog.Select(a => new JobAttemptDto(a.Number, a.RunnerId, a.StartedAt, a.EndedAt,
            a.EndedAt is { } end ? (end - a.StartedAt).TotalMilliseconds : null, a.Outcome, a.Error))]);
}

/// <summary>One attempt of a job: when, how long, on which runner, how it ended.</summary>
public sealed record JobAttemptDto(int Attempt, string RunnerId, DateTime StartedAt, DateTime? EndedAt, double? DurationMs, string? Outcome, string? Error);
