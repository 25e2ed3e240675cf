using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Api;

/// <summary><c>--data-dir</c> is normalised, and <c>/health</c> says so when uploads could not be written.</summary>
public sealed class DataDirectoryTests
{
    [Fact]
    public async Task A_data_directory_with_a_trailing_slash_takes_uploads()
    {
        var directory = TestPaths.NewTempDirectory();
        try
        {
            using (var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, directory + "/"))
            {
                var bytes = await File.ReadAllBytesAsync(TestPaths.Image("exif-landscape_1.jpg"));
                using var response = await app.CreateClient().PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "a.jpg"));

                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
                Assert.True(File.Exists(Path.Combine(directory, "originals", $"{id:N}.jpg")));
            }
        }
        finally
        {
            TestDatabase.DeleteDataDirectory(directory);
        }
    }

    [Theory]
    [InlineData("/var/lib/imagepipeline/data/", "/var/lib/imagepipeline/data")]
    [InlineData("/var/lib/imagepipeline/data//", "/var/lib/imagepipeline/data")]
    [InlineData("/var/lib/imagepipeline/./data", "/var/lib/imagepipeline/data")]
    [InlineData("/", "/")]
    public void The_data_directory_is_absolute_without_a_trailing_separator(string configured, string expected)
    {
        Assert.Equal(expected, new PipelineOptions { DataDirectory = configured }.DataDirectoryFullPath);
    }

    [Fact]
    public async Task Health_is_unhealthy_when_originals_cannot_be_written()
    {
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        // Root ignores permissions, so the folder is replaced by a file: nothing can be written into it.
        var originals = Path.Combine(app.DataDirectory, "originals");
        Directory.Delete(originals, recursive: true);
        await File.WriteAllTextAsync(originals, "not a folder");

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
    }
}
