using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImagePipeline.Tests.Browser;

/// <summary>Puts images into the app through its API (as the bootstrap admin) and waits for their status.</summary>
public static class ApiUploads
{
    public static async Task<Guid> UploadAsync(this BrowserApp app, byte[] bytes, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var response = await app.Api.PostAsync("/api/upload", form);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("imageId").GetGuid();
    }

    public static async Task WaitForStatusAsync(this BrowserApp app, Guid imageId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var image = await app.Api.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}");
            last = image.GetProperty("status").GetString() ?? "";
            if (last == status)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Image {imageId} stayed {last}, never {status}.");
    }
}
