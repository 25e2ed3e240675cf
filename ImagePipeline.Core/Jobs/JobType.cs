namespace ImagePipeline.Core.Jobs;

/// <summary>The kinds of derived asset a job produces. Stored and serialized as upper-case names.</summary>
public enum JobType
{
    Thumbnail,
    Preview,
}
