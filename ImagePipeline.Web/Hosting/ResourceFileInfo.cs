using System.Reflection;
using Microsoft.Extensions.FileProviders;

namespace ImagePipeline.Web.Hosting;

/// <summary>One embedded resource as an <see cref="IFileInfo"/> (no physical path: it is read as a stream).</summary>
public sealed class ResourceFileInfo(Assembly assembly, string resourceName, string name, DateTimeOffset lastModified) : IFileInfo
{
    private long? _length;

    public bool Exists => true;

    public long Length => _length ??= ReadLength();

    public string? PhysicalPath => null;

    public string Name => name;

    public DateTimeOffset LastModified => lastModified;

    public bool IsDirectory => false;

    public Stream CreateReadStream() =>
        assembly.GetManifestResourceStream(resourceName) ?? throw new FileNotFoundException("Embedded resource missing.", resourceName);

    private long ReadLength()
    {
        using var stream = CreateReadStream();
        return stream.Length;
    }
}
