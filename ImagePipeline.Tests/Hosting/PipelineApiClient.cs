using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The few API calls the out-of-process tests make.</summary>
public static class PipelineApiClient
{
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string fileName, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", fileName);
        return await client.PostAsync("api/upload", content, cancellationToken);
    }

    public static async Task<Guid> UploadNewAsync(HttpClient client, byte[] bytes, string fileName, CancellationToken cancellationToken)
    {
        using var response = await UploadAsync(client, bytes, fileName, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("imageId").GetGuid();
    }

    public static async Task<JsonElement> GetImageAsync(HttpClient client, Guid id, CancellationToken cancellationToken) =>
        await client.GetFromJsonAsync<JsonElement>($"api/images/{id}", cancellationToken);

    public static async Task<string> StatusAsync(HttpClient client, Guid id, CancellationToken cancellationToken) =>
        (await GetImageAsync(client, id, cancellationToken)).GetProperty("status").GetString()!;

    /// <summary>Polls until the image reaches one of <paramref name="final"/>; returns that status, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<string> WaitForStatusAsync(HttpClient client, Guid id, TimeSpan timeout, CancellationToken cancellationToken, params string[] final)
    {
        var deadline = DateTime.UtcNow + timeout;
        var status = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            status = await StatusAsync(client, id, cancellationToken);
            if (final.Contains(status))
            {
                return status;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Image {id} still {status} after {timeout}.");
    }
}
