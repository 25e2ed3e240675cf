namespace ImagePipeline.Core.Images;

/// <summary>Where an image is in the pipeline. Stored and serialized as upper-case names (<c>INGESTED</c>, ...).</summary>
public enum ImageStatus
{
    Ingested,
    Processing,
    Stored,
    Failed,
}
