using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Components.Shared;

/// <summary>What a progress card needs of one job: which, where it is, and why it failed.</summary>
public sealed record JobView(Guid Id, JobType Type, JobStatus Status, string? LastError);
