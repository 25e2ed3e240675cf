using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Api;

/// <summary>A <c>Pipeline:Role=Worker</c> instance answers <c>/health</c> to anyone (status only), and nothing else.</summary>
public sealed class WorkerRoleTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Role"] = "Worker" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_anonymous_probe_gets_the_Workers_health_status_only()
    {
        using var response = await _app.CreateAnonymousClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("checks", out _) || body.TryGetProperty("entries", out _), body.ToString());
    }

    [Fact]
    public async Task Everything_else_answers_404_even_with_a_key()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync("/api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateAnonymousClient().GetAsync("/")).StatusCode);
    }
}
