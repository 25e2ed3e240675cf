using System.Reflection;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.FileProviders;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The single binary carries its static web assets (and their endpoints manifest) as embedded resources. When they are
/// there and no <c>wwwroot</c> folder is beside the app, the web root becomes those resources and
/// <c>MapStaticAssets</c> gets the embedded manifest, so ETags, content types and .gz/.br negotiation work as usual.
/// </summary>
public static class EmbeddedStaticAssets
{
    public const string WebRootFolder = "wwwroot";

    public static string ManifestResourceName(Assembly assembly) => $"{assembly.GetName().Name}.staticwebassets.endpoints.json";

    /// <summary>Maps the static assets from the embedded copy when there is one, else from disk as usual.</summary>
    public static StaticAssetsEndpointConventionBuilder MapPipelineStaticAssets(this WebApplication app)
    {
        var assembly = typeof(EmbeddedStaticAssets).Assembly;
        var manifest = assembly.GetManifestResourceStream(ManifestResourceName(assembly));
        if (manifest is null || Directory.Exists(Path.Combine(app.Environment.ContentRootPath, "wwwroot")))
        {
            manifest?.Dispose();
            return app.MapStaticAssets();
        }

        using (manifest)
        {
            app.Environment.WebRootFileProvider = WebRoot(assembly);
            var path = ExtractManifest(manifest);
            app.Lifetime.ApplicationStopped.Register(() => DeleteQuietly(Path.GetDirectoryName(path)!));
            return app.MapStaticAssets(path);
        }
    }

    /// <summary>
    /// The embedded <c>wwwroot/</c>, through the manifest the build writes beside it (<c>GenerateEmbeddedFilesManifest</c>).
    /// Last-modified is the executable's own time: a single-file assembly has no location of its own.
    /// </summary>
    internal static ManifestEmbeddedFileProvider WebRoot(Assembly assembly)
    {
        var executable = Environment.ProcessPath;
        var lastModified = executable is not null && File.Exists(executable) ? File.GetLastWriteTimeUtc(executable) : DateTimeOffset.UtcNow;
        return new ManifestEmbeddedFileProvider(assembly, WebRootFolder, lastModified);
    }

    /// <summary>
    /// <c>MapStaticAssets</c> reads its manifest from a file: the embedded one is written into a directory of this process
    /// alone (random name, mode 0700), never to a shared, predictable path in /tmp that another local user could plant
    /// or replace. It is removed when the app stops.
    /// </summary>
    internal static string ExtractManifest(Stream manifest)
    {
        var directory = Directory.CreateTempSubdirectory("imagepipeline-assets-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(directory, "staticwebassets.endpoints.json");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            manifest.CopyTo(file);
        }

        return path;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A few KB in a private folder; nothing depends on it any more.
        }
    }
}
