namespace ImagePipeline.Core.Jobs;

/// <summary>A job that looked claimable, with the version seen: the claim is conditional on it.</summary>
public readonly record struct JobCandidate(Guid Id, int Version);
