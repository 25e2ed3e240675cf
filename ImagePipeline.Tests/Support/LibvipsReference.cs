using ImagePipeline.Core.Processing;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// Tests that use libvips (NetVips) as a reference decoder of any format. The app's processor locks libvips down, process-wide,
/// to its JPEG loader (<see cref="VipsJpeg"/>); such a test first lets the loaders back in. The lock-down is set up once per
/// process (after which <see cref="Unlock"/> stays in force); the classes that rely on either state share the
/// <see cref="LibvipsCollection"/>, so they never run side by side.
/// </summary>
public static class LibvipsReference
{
    public static void Unlock()
    {
        Assert.True(VipsJpeg.Available, "libvips should load on linux-x64");
        NetVips.Operation.Block("VipsForeignLoad", false);
    }
}

[CollectionDefinition(Name)]
public sealed class LibvipsCollection
{
    public const string Name = "libvips";
}
