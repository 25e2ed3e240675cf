using System.Text.Json;
using System.Text.RegularExpressions;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace ImagePipeline.Tests.Api;

/// <summary>/openapi/v1.json is a valid OpenAPI document listing every API endpoint with its responses and their schemas.</summary>
public sealed partial class OpenApiDocumentTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Validates_and_lists_every_api_endpoint_with_its_responses()
    {
        var bytes = await _app.CreateAnonymousClient().GetByteArrayAsync("/openapi/v1.json");
        var read = OpenApiDocument.Load(new MemoryStream(bytes), "json");
        Assert.NotNull(read.Document);
        Assert.Empty(read.Diagnostic?.Errors ?? []);

        using var json = JsonDocument.Parse(bytes);
        var paths = json.RootElement.GetProperty("paths");
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Path: OpenApiPath(e.RoutePattern.RawText!))))
            .ToList();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} API endpoints found");

        foreach (var (method, path) in endpoints)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is not in the document");
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.True(responses.Count > 0, $"{method} {path} lists no response");
            foreach (var response in responses.Where(r => r.Value.TryGetProperty("content", out _)))
            {
                foreach (var media in response.Value.GetProperty("content").EnumerateObject().Where(m => m.Name.Contains("json", StringComparison.Ordinal)))
                {
                    Assert.True(media.Value.TryGetProperty("schema", out _), $"{method} {path} {response.Name} {media.Name} has no schema");
                }
            }
        }
    }

    [Theory]
    [InlineData("post", "/api/admin/jobs/retry-failed", "retried")]
    [InlineData("get", "/api/admin/runner", "paused")]
    [InlineData("post", "/api/admin/runner/pause", "paused")]
    [InlineData("post", "/api/admin/backfill", "remaining")]
    public async Task Admin_answers_have_a_schema_with_their_fields(string method, string path, string field)
    {
        using var json = JsonDocument.Parse(await _app.CreateAnonymousClient().GetByteArrayAsync("/openapi/v1.json"));
        var schema = json.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method)
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = json.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), $"{method} {path}: no '{field}' in the schema");
    }

    private static string OpenApiPath(string pattern)
    {
        var path = RouteConstraint().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(:[^}]+)?\}")]
    private static partial Regex RouteConstraint();
}
