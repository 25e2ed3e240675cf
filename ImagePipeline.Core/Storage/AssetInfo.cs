namespace ImagePipeline.Core.Storage;

/// <summary>What the store knows about one stored asset: its key, size and last change.</summary>
public sealed record AssetInfo(string Key, long Length, DateTime LastModifiedUtc);
