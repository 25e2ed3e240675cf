using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ImagePipeline.Web.Api;

/// <summary>JSON for the API and the hub: camelCase names, statuses as upper-case strings (<c>INGESTED</c>).</summary>
public static class PipelineJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // The generated contracts first; every other type by reflection, as before (the hub's options have no resolver set).
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(PipelineJsonContext.Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
    }
}
