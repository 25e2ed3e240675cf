namespace ImagePipeline.Core.Jobs;

/// <summary>What one back-fill batch did: jobs enqueued, images looked at, images still lacking jobs.</summary>
public sealed record BackfillResult(int Enqueued, int ImagesInBatch, int Remaining);
