using System.Text.Json;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;

namespace ImagePipeline.Tests.Api;

/// <summary>
/// The API's and the hub's JSON: the listed messages take the contracts generated at build time (no reflection at start-up),
/// with the same names and statuses as before; any other type still serializes, by reflection.
/// </summary>
public sealed class PipelineJsonTests
{
    public static TheoryData<string> Options => ["api", "hub"];

    [Theory]
    [MemberData(nameof(Options))]
    public void Listed_messages_use_the_generated_contracts_camel_case_with_upper_case_statuses(string which)
    {
        var options = Configured(which);
        var created = new DateTime(2024, 7, 1, 12, 0, 0, DateTimeKind.Utc);

        Assert.Same(PipelineJsonContext.Default, options.GetTypeInfo(typeof(UploadResult)).OriginatingResolver);
        Assert.Same(PipelineJsonContext.Default, options.GetTypeInfo(typeof(ImageStatusChangedEvent)).OriginatingResolver);
        var json = JsonSerializer.Serialize(new UploadResult(Guid.Empty, ImageStatus.Ingested, "a.jpg", "image/jpeg", 3, 2, 1, created, Duplicate: false), options);
        Assert.Equal(
            """{"imageId":"00000000-0000-0000-0000-000000000000","status":"INGESTED","fileName":"a.jpg","contentType":"image/jpeg","size":3,"width":2,"height":1,"createdAt":"2024-07-01T12:00:00Z","duplicate":false}""",
            json);
        Assert.Contains("\"status\":\"STORED\"", JsonSerializer.Serialize(new ImageStatusChangedEvent(Guid.Empty, ImageStatus.Stored, created), options));
        Assert.Equal(new IdsRequest([Guid.Empty]).Ids, JsonSerializer.Deserialize<IdsRequest>("""{"ids":["00000000-0000-0000-0000-000000000000"]}""", options)!.Ids);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void A_type_not_listed_still_serializes_by_reflection(string which)
    {
        var options = Configured(which);

        Assert.NotSame(PipelineJsonContext.Default, options.GetTypeInfo(typeof(Guid[])).OriginatingResolver);
        Assert.Equal([Guid.Empty], JsonSerializer.Deserialize<Guid[]>("""["00000000-0000-0000-0000-000000000000"]""", options)!);
        Assert.Equal("""{"job":"PREVIEW"}""", JsonSerializer.Serialize(new { Job = Core.Jobs.JobType.Preview }, options));
    }

    /// <summary>The options as the app starts from them: the API's (ASP.NET Core's defaults) and the hub's (SignalR's).</summary>
    private static JsonSerializerOptions Configured(string which)
    {
        var options = which == "api"
            ? new Microsoft.AspNetCore.Http.Json.JsonOptions().SerializerOptions
            : new Microsoft.AspNetCore.SignalR.JsonHubProtocolOptions().PayloadSerializerOptions;
        PipelineJson.Configure(options);
        return options;
    }
}
