using System.Text.Json;

namespace ImagePipeline.Web.Hosting;

/// <summary>The <c>manifest.json</c> inside a backup: when, by which version, and every file with its size.</summary>
public sealed record BackupManifest(DateTimeOffset CreatedAt, string AppVersion, IReadOnlyList<BackupFile> Files)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
