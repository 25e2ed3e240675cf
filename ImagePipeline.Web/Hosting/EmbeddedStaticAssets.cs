using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticAssets;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The single binary carries its static web assets (and their endpoints manifest) as embedded resources. When they are
/// there and no <c>wwwroot</c> folder is beside the app, the web root becomes those resources and
/// <c>MapStaticAssets</c> gets the embedded manifest, so ETags, content types and .gz/.br negotiation work as usual.
/// </summary>
public static class EmbeddedStaticAssets
{
    public const string WebRootPrefix = "wwwroot/";

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
            app.Environment.WebRootFileProvider = new ResourceFileProvider(assembly, WebRootPrefix);
            return app.MapStaticAssets(ExtractManifest(manifest));
        }
    }

    /// <summary><c>MapStaticAssets</c> reads its manifest from a file: write the embedded one once, named by its hash.</summary>
    private static string ExtractManifest(Stream manifest)
    {
        using var buffer = new MemoryStream();
        manifest.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"imagepipeline-{hash}.staticwebassets.endpoints.json");
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    }
}
