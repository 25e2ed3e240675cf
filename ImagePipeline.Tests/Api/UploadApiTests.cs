using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Api;

public sealed class UploadApiTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("path-2560x1600.jpg", "JPEG", "image/jpeg", 2560, 1600)]
    [InlineData("autumn-2560x1600-progressive.jpg", "JPEG", "image/jpeg", 2560, 1600)]
    [InlineData("kite-cmyk-1280x800.jpg", "JPEG", "image/jpeg", 1280, 800)]
    [InlineData("gray-cd1.1.jpg", "JPEG", "image/jpeg", 531, 373)]
    [InlineData("rgba-alpha.png", "PNG", "image/png", 128, 128)]
    [InlineData("cramps.gif", "GIF", "image/gif", 159, 203)]
    [InlineData("1.webp", "WEBP", "image/webp", 550, 368)]
    [InlineData("exif-landscape_6.jpg", "JPEG", "image/jpeg", 1200, 1800)]
    public async Task Upload_stores_the_original_with_sniffed_facts(string file, string format, string contentType, int width, int height)
    {
        var client = _app.CreateClient();
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image(file));

        using var response = await client.PostAsync("/api/upload", Multipart(bytes, file));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("INGESTED", body.GetProperty("status").GetString());
        Assert.Equal(file, body.GetProperty("fileName").GetString());
        Assert.Equal(contentType, body.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, body.GetProperty("size").GetInt64());
        Assert.Equal(width, body.GetProperty("width").GetInt32());
        Assert.Equal(height, body.GetProperty("height").GetInt32());

        var id = body.GetProperty("imageId").GetGuid();
        await using var db = _app.CreateDbContext();
        var image = await db.Images.Include(i => i.Jobs).SingleAsync(i => i.Id == id);
        Assert.Equal(format, image.Format);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), image.Sha256);
        Assert.Equal(2, image.Jobs.Count);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_app.DataDirectory, image.OriginalPath!)));
        // The user's file name never becomes part of the path (the key's own hex name may end in "…1" before ".webp").
        Assert.NotEqual(file, Path.GetFileName(image.OriginalPath!));
        Assert.DoesNotContain("/" + file, image.OriginalPath!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bmp", "BMP", "image/bmp")]
    [InlineData("tiff", "TIFF", "image/tiff")]
    public async Task Generated_BMP_and_TIFF_are_accepted(string extension, string format, string contentType)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(64, 48, new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 30, 30));
        using var bytes = new MemoryStream();
        if (extension == "bmp")
        {
            await SixLabors.ImageSharp.ImageExtensions.SaveAsBmpAsync(image, bytes);
        }
        else
        {
            await SixLabors.ImageSharp.ImageExtensions.SaveAsTiffAsync(image, bytes);
        }

        using var response = await _app.CreateClient().PostAsync("/api/upload", Multipart(bytes.ToArray(), $"generated.{extension}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(contentType, body.GetProperty("contentType").GetString());
        Assert.Equal((64, 48), (body.GetProperty("width").GetInt32(), body.GetProperty("height").GetInt32()));
        await using var db = _app.CreateDbContext();
        Assert.Equal(format, (await db.Images.SingleAsync()).Format);
    }

    [Fact]
    public async Task Same_bytes_again_answer_200_with_the_existing_image_and_no_new_files_or_jobs()
    {
        var client = _app.CreateClient();
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"));
        using var first = await client.PostAsync("/api/upload", Multipart(bytes, "a.gif"));
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
        var filesBefore = _app.StoredFiles();

        using var second = await client.PostAsync("/api/upload", Multipart(bytes, "b.gif"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(firstId, body.GetProperty("imageId").GetGuid());
        Assert.True(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(filesBefore, _app.StoredFiles());
        await using var db = _app.CreateDbContext();
        Assert.Equal(1, await db.Images.CountAsync());
        Assert.Equal(2, await db.Jobs.CountAsync());
    }

    public static TheoryData<string, byte[], int> BadInputs() => new()
    {
        { "html renamed", "<!doctype html><html><body>hi</body></html>"u8.ToArray(), 415 },
        { "svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>"u8.ToArray(), 415 },
        { "pdf", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF"u8.ToArray(), 415 },
        { "heic", [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0, 0, 0, (byte)'m', (byte)'i', (byte)'f', (byte)'1', (byte)'h', (byte)'e', (byte)'i', (byte)'c'], 415 },
        { "empty", [], 415 },
        { "truncated jpeg", File.ReadAllBytes(TestPaths.Image("path-2560x1600.jpg"))[..50_000], 422 },
        { "truncated png", File.ReadAllBytes(TestPaths.Image("rgba-alpha.png"))[..200], 422 },
        { "png over the pixel limit", TestImages.PngHeaderOnly(100_000, 100_000), 422 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_its_status_and_problem_details_and_leaves_nothing(string name, byte[] bytes, int status)
    {
        var client = _app.CreateClient();

        using var response = await client.PostAsync("/api/upload", Multipart(bytes, "photo.jpg", "image/jpeg"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), name);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task No_file_part_is_400()
    {
        var client = _app.CreateClient();
        using var content = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var response = await client.PostAsync("/api/upload", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var wrongField = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"))), "image", "a.gif" } };
        using var response2 = await client.PostAsync("/api/upload", wrongField);
        Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);

        using var notMultipart = new ByteArrayContent([1, 2, 3]);
        using var response3 = await client.PostAsync("/api/upload", notMultipart);
        Assert.Equal(HttpStatusCode.BadRequest, response3.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Over_the_byte_limit_is_413_while_streaming()
    {
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Upload:MaxBytes"] = "100000", ["Pipeline:Runner:Enabled"] = "false" });
        var client = app.CreateClient();
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));

        using var response = await client.PostAsync("/api/upload", Multipart(bytes, "big.jpg"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(app.StoredFiles());
    }

    [Fact]
    public async Task Two_files_in_one_request_is_400_and_keeps_neither()
    {
        var client = _app.CreateClient();
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"))), "file", "a.gif" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Image("1.webp"))), "file", "b.webp" },
        };
        using var response = await client.PostAsync("/api/upload", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_upload_cut_off_mid_stream_leaves_nothing()
    {
        var client = _app.CreateClient();
        // The start-up warm-up inspects its embedded photo from a temp file of its own: let it finish, so that the only temp
        // files this test can find are the upload's (on a slow machine the warm-up was still running when the test looked).
        await _app.Services.GetRequiredService<CodecWarmup>().Completion.WaitAsync(TimeSpan.FromMinutes(1));
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));
        using var content = new StreamContent(new FailingStream(bytes, failAfter: 200_000));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
        var prefix = "--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"u8.ToArray();
        using var body = new StreamContent(new FailingStream([.. prefix, .. bytes], failAfter: 200_000));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync("/api/upload", body));

        await Task.Delay(300);
        await AssertNothingStoredAsync();
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "tmp"), "*.part", SearchOption.AllDirectories));
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Empty(_app.StoredFiles());
        await using var db = _app.CreateDbContext();
        Assert.Equal(0, await db.Images.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    internal static MultipartFormDataContent Multipart(byte[] bytes, string fileName, string? contentType = null)
    {
        var file = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    /// <summary>A request body that breaks off after some bytes, like a client that went away.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAfter ? throw new IOException("connection reset") : base.Read(buffer, offset, (int)Math.Min(count, failAfter - Position));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter ? throw new IOException("connection reset") : base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
    }
}
