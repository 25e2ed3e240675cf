namespace ImagePipeline.Core.Storage;

/// <summary>The files kept for one image.</summary>
public enum AssetKind
{
    Original,
    Thumbnail,
    Preview,
}
