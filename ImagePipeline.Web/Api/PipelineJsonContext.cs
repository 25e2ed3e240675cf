using System.Text.Json;
using System.Text.Json.Serialization;
using ImagePipeline.Core.Events;

namespace ImagePipeline.Web.Api;

/// <summary>
/// The API's and the hub's messages, their JSON contracts generated at build time: without it System.Text.Json builds each
/// type's contract by reflection on first use, the request bodies' while the endpoints are built, before the first
/// <c>/health</c> answers (docs/benchmarks.md, "seventh stop"). First in the options' resolver chain (<see cref="PipelineJson"/>),
/// so anything not listed here still works, by reflection. The runtime options (camelCase, statuses upper-case) apply to
/// these contracts as they do to the others.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IdsRequest))]
[JsonSerializable(typeof(AlbumRequest))]
[JsonSerializable(typeof(ShareLinkRequest))]
[JsonSerializable(typeof(ExistsRequest))]
[JsonSerializable(typeof(UploadResult))]
[JsonSerializable(typeof(ImageDto))]
[JsonSerializable(typeof(PagedResult<ImageDto>))]
[JsonSerializable(typeof(JobListResult))]
[JsonSerializable(typeof(JobDetailDto))]
[JsonSerializable(typeof(RunnerState))]
[JsonSerializable(typeof(RetryFailedResult))]
[JsonSerializable(typeof(BackfillResponse))]
[JsonSerializable(typeof(AlbumDto))]
[JsonSerializable(typeof(List<AlbumDto>))]
[JsonSerializable(typeof(AlbumDetailDto))]
[JsonSerializable(typeof(CountResult))]
[JsonSerializable(typeof(ExistsResult))]
[JsonSerializable(typeof(ShareLinkDto))]
[JsonSerializable(typeof(List<ShareLinkDto>))]
[JsonSerializable(typeof(SharedAlbumDto))]
[JsonSerializable(typeof(ImageStatusChangedEvent))]
[JsonSerializable(typeof(JobStatusChangedEvent))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
