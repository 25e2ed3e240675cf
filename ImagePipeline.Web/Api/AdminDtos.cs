namespace ImagePipeline.Web.Api;

/// <summary>What <c>POST /api/admin/jobs/retry-failed</c> answers: how many FAILED jobs went back to PENDING.</summary>
public sealed record RetryFailedResult(int Retried);

/// <summary>Whether the runner is paused (kept in the database).</summary>
public sealed record RunnerState(bool Paused);

/// <summary>What <c>POST /api/admin/backfill</c> answers: jobs enqueued, images in this batch, images still lacking an asset.</summary>
public sealed record BackfillResponse(int Enqueued, int Images, int Remaining);
