using ImagePipeline.Core.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImagePipeline.Web.Api;

/// <summary><c>/api/admin</c>: the job queue for admins — list, detail, retry, cancel, retry-failed, pause/resume, back-fill.</summary>
public static class AdminJobsApi
{
    public static RouteGroupBuilder MapAdminJobsApi(this RouteGroupBuilder admin)
    {
        var jobs = admin.MapGroup("/jobs").WithTags("Admin");
        jobs.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("Jobs with filters (status, type, imageId), paging and counts per status.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{id:guid}", GetAsync).WithName("GetJob").WithSummary("One job: every field, last error with stack, attempts timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryJob").WithSummary("A FAILED or CANCELLED job back to PENDING, attempts reset.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelJob").WithSummary("A PENDING job to CANCELLED.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/retry-failed", RetryFailedAsync).WithName("RetryFailedJobs").WithSummary("Every FAILED job back to PENDING.");

        var runner = admin.MapGroup("/runner").WithTags("Admin");
        runner.MapGet("/", async Task<Ok<RunnerState>> (JobAdmin a, CancellationToken ct) => TypedResults.Ok(new RunnerState(await a.IsPausedAsync(ct))))
            .WithName("GetRunner").WithSummary("Whether processing is paused.");
        runner.MapPost("/pause", (JobAdmin a, CancellationToken ct) => SetPausedAsync(a, true, ct)).WithName("PauseRunner").WithSummary("Pause processing (kept in the database).");
        runner.MapPost("/resume", (JobAdmin a, CancellationToken ct) => SetPausedAsync(a, false, ct)).WithName("ResumeRunner").WithSummary("Resume processing.");

        admin.MapPost("/backfill", BackfillAsync).WithTags("Admin").WithName("Backfill")
            .WithSummary("Enqueue missing THUMBNAIL/PREVIEW jobs for images that lack assets.");
        return admin;
    }

    private static async Task<Results<Ok<JobListResult>, ProblemHttpResult>> ListAsync(
        JobQueries queries, string? status, string? type, Guid? imageId, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (!TryParse<JobStatus>(status, out var statusFilter) || !TryParse<JobType>(type, out var typeFilter))
        {
            return TypedResults.Problem(title: "Unknown filter", detail: "status must be PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED; type must be THUMBNAIL or PREVIEW.", statusCode: 400);
        }

        var (p, size) = Paging.Normalize(page, pageSize);
        var result = await queries.ListAsync(statusFilter, typeFilter, imageId, p, size, cancellationToken);
        return TypedResults.Ok(new JobListResult(
            [.. result.Items.Select(JobDto.From)], p, size, result.Total,
            result.Counts.ToDictionary(c => c.Key.ToString().ToUpperInvariant(), c => c.Value)));
    }

    private static async Task<Results<Ok<JobDetailDto>, ProblemHttpResult>> GetAsync(Guid id, JobQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(JobDetailDto.From(job))
            : TypedResults.Problem(title: "Not found", detail: "No such job.", statusCode: 404);

    private static async Task<Results<Accepted, ProblemHttpResult>> RetryAsync(Guid id, JobAdmin admin, CancellationToken cancellationToken) =>
        await admin.RetryAsync(id, cancellationToken)
            ? TypedResults.Accepted($"/api/admin/jobs/{id}")
            : Conflict("Only a FAILED or CANCELLED job can be retried.");

    private static async Task<Results<Ok, ProblemHttpResult>> CancelAsync(Guid id, JobAdmin admin, CancellationToken cancellationToken) =>
        await admin.CancelAsync(id, cancellationToken) ? TypedResults.Ok() : Conflict("Only a PENDING job can be cancelled.");

    private static async Task<Ok<RetryFailedResult>> RetryFailedAsync(JobAdmin admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RetryFailedResult(await admin.RetryFailedAsync(cancellationToken)));

    private static async Task<Ok<RunnerState>> SetPausedAsync(JobAdmin admin, bool paused, CancellationToken cancellationToken)
    {
        await admin.SetPausedAsync(paused, cancellationToken);
        return TypedResults.Ok(new RunnerState(paused));
    }

    private static async Task<Ok<BackfillResponse>> BackfillAsync(JobAdmin admin, int? batchSize, CancellationToken cancellationToken)
    {
        var result = await admin.BackfillAsync(Math.Clamp(batchSize ?? 100, 1, 10_000), cancellationToken);
        return TypedResults.Ok(new BackfillResponse(result.Enqueued, result.ImagesInBatch, result.Remaining));
    }

    private static bool TryParse<T>(string? value, out T? parsed)
        where T : struct, Enum
    {
        parsed = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (Enum.TryParse<T>(value, ignoreCase: true, out var v) && Enum.IsDefined(v))
        {
            parsed = v;
            return true;
        }

        return false;
    }

    private static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(title: "Not possible in this state", detail: detail, statusCode: 409);
}
