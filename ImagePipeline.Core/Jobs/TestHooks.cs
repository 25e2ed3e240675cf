using ImagePipeline.Core.Configuration;

namespace ImagePipeline.Core.Jobs;

/// <summary>The runner's test-only hooks (<c>Pipeline:Testing</c>); they do nothing unless configured.</summary>
internal static class TestHooks
{
    /// <summary>
    /// <c>CrashOnImage</c>: the PREVIEW job of an image whose file name contains the marker never finishes, like a handler
    /// that brings the process down; the out-of-process tests kill the process while it hangs.
    /// </summary>
    public static async Task BeforeHandlerAsync(TestingOptions testing, JobClaim claim, CancellationToken cancellationToken)
    {
        if (testing.CrashOnImage is { Length: > 0 } marker && claim.Job.Type == JobType.Preview
            && claim.Job.Image?.OriginalFileName.Contains(marker, StringComparison.Ordinal) == true)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }
}
