using ImagePipeline.Web.Components.Upload;

namespace ImagePipeline.Tests.Components;

public sealed class UploadRulesTests
{
    private const long Limit = 10 * 1024 * 1024;

    [Theory]
    [InlineData("a.jpg", "image/jpeg")]
    [InlineData("a.png", "image/png")]
    [InlineData("a.gif", "image/gif")]
    [InlineData("a.webp", "image/webp")]
    [InlineData("a.bmp", "image/bmp")]
    [InlineData("a.tif", "image/tiff")]
    [InlineData("a.TIFF", "")]
    public void Accepts_the_supported_image_types(string name, string type) =>
        Assert.Null(UploadRules.Check(new ChosenFile("k", name, 1000, type), Limit));

    [Theory]
    [InlineData("notes.txt", "text/plain", "Not a supported image (text/plain)")]
    [InlineData("photo.heic", "image/heic", "This is a HEIC photo, which is not supported yet.")]
    [InlineData("DSC_0001.NEF", "image/x-nikon-nef", "This is a Nikon NEF camera RAW file")]
    [InlineData("mystery", "", "Not a supported image (an unknown type)")]
    public void Refuses_other_types_with_the_reason(string name, string type, string reason) =>
        Assert.StartsWith(reason, UploadRules.Check(new ChosenFile("k", name, 1000, type), Limit));

    [Theory]
    [InlineData("path-256x160.heic", "HEIC")]
    [InlineData("path-256x160.avif", "AVIF")]
    public void Refuses_by_the_first_bytes_with_the_servers_words_whatever_the_name_says(string file, string format)
    {
        var bytes = File.ReadAllBytes(ImagePipeline.Tests.Support.TestPaths.Image(file));
        var head = Convert.ToBase64String(bytes, 0, Core.Images.FileKindSniffer.ClientHeadLength);

        var reason = UploadRules.Check(new ChosenFile("k", "renamed.jpg", bytes.Length, "image/jpeg", head), Limit);

        Assert.Equal(Core.Images.FileKindSniffer.Identify(bytes)!.Detail, reason);
        Assert.Contains(format, reason, StringComparison.Ordinal);
        var jpeg = File.ReadAllBytes(ImagePipeline.Tests.Support.TestPaths.Image("path-2560x1600.jpg"));
        Assert.Null(UploadRules.Check(new ChosenFile("k", "a.jpg", jpeg.Length, "image/jpeg", Convert.ToBase64String(jpeg, 0, 64)), Limit));
    }

    [Fact]
    public void Refuses_files_over_the_server_limit_and_empty_files()
    {
        Assert.Equal("Too large: 10 MB; the limit is 10 MB.", UploadRules.Check(new ChosenFile("k", "big.jpg", Limit + 1, "image/jpeg"), Limit));
        Assert.Null(UploadRules.Check(new ChosenFile("k", "edge.jpg", Limit, "image/jpeg"), Limit));
        Assert.Equal("The file is empty.", UploadRules.Check(new ChosenFile("k", "zero.jpg", 0, "image/jpeg"), Limit));
    }
}
