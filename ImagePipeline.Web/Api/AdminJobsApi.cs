using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Api;

/// <summary><c>/api/admin</c>: the job queue for admins — list, detail, retry, cancel, retry-failed, pause/resume, back-fill.</summary>
public static class AdminJobsApi
{
    public static RouteGroupBuilder MapAdminJobsApi(this RouteGroupBuilder admin)
    {
        var jobs = admin.MapGroup("/jobs").WithTags("Admin");
        jobs.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("Jobs with filters (status, type, imageId), paging and counts per status.");
        jobs.MapGet("/{id:guid}", GetAsync).WithName("GetJob").WithSummary("One job: every field, last error with stack, attempts timeline.");
        jobs.MapPost("/{id:guid}/retry", async (Guid id, JobAdmin a, CancellationToken ct) =>
            await a.RetryAsync(id, ct) ? Results.Accepted($"/api/admin/jobs/{id}") : Conflict("Only a FAILED or CANCELLED job can be retried."));
        jobs.MapPost("/{id:guid}/cancel", async (Guid id, JobAdmin a, CancellationToken ct) =>
            await a.CancelAsync(id, ct) ? Results.Ok() : Conflict("Only a PENDING job can be cancelled."));
        jobs.MapPost("/retry-failed", async (JobAdmin a, CancellationToken ct) => Results.Ok(new { retried = await a.RetryFailedAsync(ct) }));

        var runner = admin.MapGroup("/runner").WithTags("Admin");
        runner.MapGet("/", async (JobAdmin a, CancellationToken ct) => Results.Ok(new { paused = await a.IsPausedAsync(ct) }));
        runner.MapPost("/pause", async (JobAdmin a, CancellationToken ct) =>
        {
            await a.SetPausedAsync(true, ct);
            return Results.Ok(new { paused = true });
        });
        runner.MapPost("/resume", async (JobAdmin a, CancellationToken ct) =>
        {
            await a.SetPausedAsync(false, ct);
            return Results.Ok(new { paused = false });
        });

        admin.MapPost("/backfill", async (JobAdmin a, int? batchSize, CancellationToken ct) =>
        {
            var result = await a.BackfillAsync(Math.Clamp(batchSize ?? 100, 1, 10_000), ct);
            return Results.Ok(new { enqueued = result.Enqueued, images = result.ImagesInBatch, remaining = result.Remaining });
        }).WithTags("Admin").WithSummary("Enqueue missing THUMBNAIL/PREVIEW jobs for images that lack assets.");
        return admin;
    }

    private static async Task<IResult> ListAsync(JobQueries queries, string? status, string? type, Guid? imageId, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (!TryParse<JobStatus>(status, out var statusFilter) || !TryParse<JobType>(type, out var typeFilter))
        {
            return Results.Problem(title: "Unknown filter", detail: "status must be PENDING, PROCESSING, COMPLETED, FAILED or CANCELLED; type must be THUMBNAIL or PREVIEW.", statusCode: 400);
        }

        var (p, size) = Paging.Normalize(page, pageSize);
        var result = await queries.ListAsync(statusFilter, typeFilter, imageId, p, size, cancellationToken);
        return Results.Ok(new JobListResult(
            [.. result.Items.Select(JobDto.From)], p, size, result.Total,
            result.Counts.ToDictionary(c => c.Key.ToString().ToUpperInvariant(), c => c.Value)));
    }

    private static async Task<IResult> GetAsync(Guid id, JobQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(id, cancellationToken) is { } job
            ? Results.Ok(JobDetailDto.From(job))
            : Results.Problem(title: "Not found", detail: "No such job.", statusCode: 404);

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

    private static IResult Conflict(string detail) => Results.Problem(title: "Not possible in this state", detail: detail, statusCode: 409);
}
