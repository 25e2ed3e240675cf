using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Storage;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Tests.Storage;

/// <summary>The store is addressed by keys only, every key stays inside it, and the layout has one owner.</summary>
public sealed class AssetStorageTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();
    private readonly FileSystemAssetStorage _storage;

    public AssetStorageTests() =>
        _storage = new FileSystemAssetStorage(Options.Create(new PipelineOptions { DataDirectory = _data + Path.DirectorySeparatorChar }));

    public void Dispose()
    {
        _storage.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.jpg")]
    [InlineData("originals/../../outside.jpg")]
    [InlineData("")]
    public void A_key_that_is_rooted_or_escapes_the_store_is_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => _storage.Exists(key));
        Assert.Throws<ArgumentException>(() => _storage.GetInfo(key));
        Assert.Throws<ArgumentException>(() => _storage.OpenRead(key));
        Assert.Throws<ArgumentException>(() => _storage.Delete(key));
    }

    [Fact]
    public async Task Keys_content_types_and_listing_come_from_one_layout()
    {
        var id = Guid.NewGuid();
        var key = _storage.KeyFor(id, AssetKind.Preview, ".WEBP");
        Assert.Equal($"previews/{id:N}.webp", key);
        Assert.True(AssetLayout.TryParse(key, out var parsed, out var kind));
        Assert.Equal((id, AssetKind.Preview), (parsed, kind));
        Assert.Equal("image/webp", AssetLayout.ContentTypeOf(key));
        Assert.Equal("image/jpeg", AssetLayout.ContentTypeOf($"thumbnails/{id:N}.jpg"));
        Assert.Equal(".tiff", AssetLayout.ExtensionOf("image/tiff"));

        await _storage.WriteAsync(key, (s, ct) => s.WriteAsync(new byte[] { 1, 2, 3 }, ct).AsTask(), CancellationToken.None);
        var info = Assert.Single(_storage.ListAssets());
        Assert.Equal((key, 3L), (info.Key, info.Length));
        await using (var read = _storage.OpenRead(key))
        {
            Assert.Equal(3, read.Length);
        }

        Assert.Equal(1, _storage.DeleteAssets(id));
        Assert.Empty(_storage.ListAssets());
    }
}
