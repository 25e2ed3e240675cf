using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Gallery;

/// <summary>The app with the runner off and, optionally, a fake clock; helpers to upload distinct photos and process them.</summary>
internal sealed class GalleryApp(FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    : PipelineAppFactory(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Pipeline:Runner:Enabled"] = "false" })
{
    public FakeTimeProvider? Time { get; } = time;

    public static async Task<Guid> UploadAsync(HttpClient client, int seed)
    {
        using var response = await client.PostAsync("/api/upload", UploadApiTests.Multipart(TestImages.DistinctPng(seed), $"photo-{seed}.png"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
    }

    public async Task<List<Guid>> UploadManyAsync(HttpClient client, int count, int firstSeed = 1)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await UploadAsync(client, firstSeed + i));
        }

        await ProcessAsync();
        return ids;
    }

    /// <summary>Runs the queue to the end (thumbnails and previews).</summary>
    public Task ProcessAsync() => Services.GetRequiredService<Core.Jobs.JobRunner>().DrainAsync(CancellationToken.None);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (Time is { } time)
        {
            builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time));
        }
    }
}
