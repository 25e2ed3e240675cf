using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Tests.Images;

/// <summary>Files as they come off phones and out of editors, uploaded through HTTP: accepted, processed, served byte for byte.</summary>
public sealed class RealWorldUploadTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:PollInterval"] = "00:00:00.200" });

    public void Dispose() => _app.Dispose();

    private static byte[] Jpeg => File.ReadAllBytes(TestPaths.Image("exif-landscape_1.jpg"));

    public static TheoryData<string, byte[], string> WithBytesAfterTheEnd() => new()
    {
        { "Samsung SEF trailer", [.. Jpeg, .. RealWorldFiles.SefTrailer()], "image/jpeg" },
        { "zeros and 0xFF after EOI", [.. Jpeg, .. new byte[4096], .. Enumerable.Repeat((byte)0xFF, 512)], "image/jpeg" },
        { "HTML after EOI", [.. Jpeg, .. "<html><script>alert(1)</script></html>"u8], "image/jpeg" },
        { "bytes after IEND", [.. File.ReadAllBytes(TestPaths.Image("rgba-alpha.png")), .. "tool metadata after the end\n"u8, .. new byte[100]], "image/png" },
        { "Ultra HDR gain map after the primary image", File.ReadAllBytes(TestPaths.Image("ultra-hdr-3840x2160.jpg")), "image/jpeg" },
    };

    [Theory]
    [MemberData(nameof(WithBytesAfterTheEnd))]
    public async Task Bytes_after_the_image_end_are_accepted_stored_and_served_byte_for_byte(string name, byte[] bytes, string contentType)
    {
        var client = _app.CreateClient();

        var id = await UploadAsync(client, bytes, name + ".bin");

        await ImagesApiTests.WaitForStoredAsync(client, [id]);
        using var original = await client.GetAsync($"/api/images/{id}/original");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(contentType, original.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", original.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(bytes, await original.Content.ReadAsByteArrayAsync());
        var image = await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}");
        Assert.Equal(JsonValueKind.Null, image.GetProperty("videoUrl").ValueKind);
        using var video = await client.GetAsync($"/api/images/{id}/video");
        Assert.Equal(HttpStatusCode.NotFound, video.StatusCode);
    }

    public static TheoryData<string, byte[], int> MotionPhotos()
    {
        var jpeg = Jpeg;
        var mp4 = RealWorldFiles.Mp4();
        var google = RealWorldFiles.JpegWithXmp(jpeg, RealWorldFiles.GoogleMicroVideoXmp(mp4.Length));
        return new()
        {
            // An MP4 right after EOI (ftyp box found by structure).
            { "ftyp after EOI", [.. jpeg, .. mp4], jpeg.Length },

            // Google: the XMP says where it starts (from the end); something sits between EOI and the video.
            { "GCamera:MicroVideoOffset", [.. google, .. new byte[333], .. mp4], google.Length + 333 },

            // Samsung: MotionPhoto_Data tag, the MP4, then the SEF trailer.
            { "Samsung MotionPhoto_Data", [.. jpeg, .. "MotionPhoto_Data"u8, .. mp4, .. RealWorldFiles.SefTrailer()], jpeg.Length + 16 },
        };
    }

    [Theory]
    [MemberData(nameof(MotionPhotos))]
    public async Task A_motion_photo_serves_its_video_with_ranges_to_its_owner_only(string name, byte[] bytes, int videoOffset)
    {
        var client = _app.CreateClient();
        var mp4 = RealWorldFiles.Mp4();

        var id = await UploadAsync(client, bytes, "motion.jpg");

        await ImagesApiTests.WaitForStoredAsync(client, [id]);
        Assert.Equal(bytes, await client.GetByteArrayAsync($"/api/images/{id}/original"));
        var image = await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}");
        Assert.Equal($"/api/images/{id}/video", image.GetProperty("videoUrl").GetString());
        await using (var db = _app.CreateDbContext())
        {
            var row = await db.Images.SingleAsync(i => i.Id == id);
            Assert.Equal((videoOffset, mp4.Length), (row.VideoOffset, row.VideoLength));
        }

        using var video = await client.GetAsync($"/api/images/{id}/video");
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", video.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(mp4, await video.Content.ReadAsByteArrayAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/images/{id}/video");
        request.Headers.Range = new RangeHeaderValue(100, 1099);
        using var partial = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(mp4[100..1100], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(mp4.Length, partial.Content.Headers.ContentRange?.Length);

        var (_, otherKey) = await _app.CreateUserAsync("someone-else-" + name.Length);
        using var stranger = await _app.CreateClientWithKey(otherKey).GetAsync($"/api/images/{id}/video");
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
    }

    [Fact]
    public async Task An_animated_GIF_keeps_its_animation_in_the_original()
    {
        var client = _app.CreateClient();
        var gif = RealWorldFiles.AnimatedGif();
        using (var check = SixLabors.ImageSharp.Image.Load(gif))
        {
            Assert.Equal(3, check.Frames.Count);
        }

        var id = await UploadAsync(client, gif, "animated.gif");

        await ImagesApiTests.WaitForStoredAsync(client, [id]);
        var original = await client.GetByteArrayAsync($"/api/images/{id}/original");
        Assert.Equal(gif, original);
        using var served = SixLabors.ImageSharp.Image.Load(original);
        Assert.Equal(3, served.Frames.Count);
    }

    [Theory]
    [InlineData("path-256x160.heic", "HEIC")]
    [InlineData("path-256x160.avif", "AVIF")]
    public async Task HEIC_and_AVIF_are_refused_with_415_naming_the_format(string file, string format)
    {
        var client = _app.CreateClient();

        using var response = await client.PostAsync("/api/upload", UploadApiTests.Multipart(await File.ReadAllBytesAsync(TestPaths.Image(file)), file));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"This is a{(format == "AVIF" ? "n" : "")} {format} ", detail, StringComparison.Ordinal);
        Assert.Contains("Export it as JPEG", detail, StringComparison.Ordinal);
        Assert.Empty(_app.StoredFiles());
    }

    public static TheoryData<string, byte[]> Broken()
    {
        var jpeg = Jpeg;
        var noise = new byte[60_000];
        new Random(11).NextBytes(noise);
        var sos = FindStartOfScan(jpeg);
        return new()
        {
            { "half a JPEG", jpeg[..(jpeg.Length / 2)] },
            { "JPEG header then noise", [.. jpeg[..20], .. noise] },
            { "JPEG headers up to the scan, then noise without an end", [.. jpeg[..(sos + 20)], .. noise.Select(b => b == 0xFF ? (byte)0 : b)] },
            { "PNG without IEND", File.ReadAllBytes(TestPaths.Image("rgba-alpha.png"))[..^12] },
        };
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Really_broken_files_are_still_refused_with_a_clear_4xx(string name, byte[] bytes)
    {
        var client = _app.CreateClient();

        using var response = await client.PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "broken.jpg"));

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail), name);
        Assert.Empty(_app.StoredFiles());
    }

    private static int FindStartOfScan(byte[] jpeg)
    {
        for (var i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no SOS");
    }

    private static async Task<Guid> UploadAsync(HttpClient client, byte[] bytes, string fileName)
    {
        using var response = await client.PostAsync("/api/upload", UploadApiTests.Multipart(bytes, fileName));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{fileName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
    }
}
