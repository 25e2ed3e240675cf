using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Components.Shared;

/// <summary>What a progress card needs of one job: which, where it is, why it failed, and as of when the server said so.</summary>
public sealed record JobView(Guid Id, JobType Type, JobStatus Status, string? LastError, DateTime At);
