namespace ImagePipeline.Core.Jobs;

/// <summary>One page of jobs, the total that matched, and the counts per status over the whole queue.</summary>
public sealed record JobPage(IReadOnlyList<Job> Items, int Total, IReadOnlyDictionary<JobStatus, int> Counts);
