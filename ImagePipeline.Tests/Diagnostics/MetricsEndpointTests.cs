using System.Net;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Diagnostics;

/// <summary><c>/metrics</c>: the ImagePipeline meter in Prometheus' text format, for administrators only.</summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly PipelineAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_admin_reads_the_pipeline_metrics_a_user_is_forbidden_and_anonymous_is_unauthorized()
    {
        var admin = _app.CreateClient();
        var id = await ImagesApiTests.UploadAsync(admin, "exif-landscape_1.jpg");
        await ImagesApiTests.WaitForStoredAsync(admin, [id]);

        using var response = await admin.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        // The names the README gives: Prometheus' spelling of imagepipeline.uploads and imagepipeline.queue.depth.
        Assert.Contains("# TYPE imagepipeline_uploads_total counter", body, StringComparison.Ordinal);
        Assert.Matches("""imagepipeline_uploads_total\{[^}]*duplicate="false"[^}]*\} \d""", body);
        Assert.Contains("# TYPE imagepipeline_queue_depth gauge", body, StringComparison.Ordinal);

        var (_, userKey) = await _app.CreateUserAsync("user1", Roles.User);
        using var forbidden = await _app.CreateClientWithKey(userKey).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.DoesNotContain("imagepipeline", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var anonymous = await _app.CreateAnonymousClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
