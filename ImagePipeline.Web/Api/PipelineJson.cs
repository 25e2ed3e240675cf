using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImagePipeline.Web.Api;

/// <summary>JSON for the API and the hub: camelCase names, statuses as upper-case strings (<c>INGESTED</c>).</summary>
public static class PipelineJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
    }
}
