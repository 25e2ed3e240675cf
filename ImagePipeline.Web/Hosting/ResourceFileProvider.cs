using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Files embedded in an assembly under logical names <c>&lt;prefix&gt;&lt;path&gt;</c> (slashes kept), as a read-only
/// <see cref="IFileProvider"/>: what the single binary serves its static web assets from.
/// </summary>
public sealed class ResourceFileProvider : IFileProvider
{
    private readonly Assembly _assembly;
    private readonly Dictionary<string, string> _resources;
    private readonly DateTimeOffset _lastModified;

    public ResourceFileProvider(Assembly assembly, string prefix)
    {
        _assembly = assembly;
        _resources = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n => n, StringComparer.Ordinal);
        var location = Environment.ProcessPath;
        _lastModified = location is not null && File.Exists(location) ? File.GetLastWriteTimeUtc(location) : DateTimeOffset.UtcNow;
    }

    public IFileInfo GetFileInfo(string subpath)
    {
        var key = subpath.TrimStart('/');
        return _resources.TryGetValue(key, out var resource)
            ? new ResourceFileInfo(_assembly, resource, Path.GetFileName(key), _lastModified)
            : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath)
    {
        var folder = subpath.Trim('/');
        folder = folder.Length == 0 ? string.Empty : folder + "/";
        var files = _resources
            .Where(r => r.Key.StartsWith(folder, StringComparison.Ordinal) && r.Key.IndexOf('/', folder.Length) < 0)
            .Select(r => (IFileInfo)new ResourceFileInfo(_assembly, r.Value, Path.GetFileName(r.Key), _lastModified))
            .ToList();
        return files.Count == 0 ? NotFoundDirectoryContents.Singleton : new ResourceDirectoryContents(files);
    }

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    private sealed class ResourceDirectoryContents(IReadOnlyList<IFileInfo> files) : IDirectoryContents
    {
        public bool Exists => true;

        public IEnumerator<IFileInfo> GetEnumerator() => files.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
