namespace ImagePipeline.Web.Hosting;

/// <summary>One file in a backup, by its path inside the data directory.</summary>
public sealed record BackupFile(string Path, long Size);
