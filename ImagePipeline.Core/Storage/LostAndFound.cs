namespace ImagePipeline.Core.Storage;

/// <summary>The admin's read of <c>lost+found/</c>: originals the sweep found without an image row, kept for a person to look at.</summary>
public sealed class LostAndFound(IAssetStorage storage)
{
    public IReadOnlyList<AssetInfo> List() => storage.ListLostAndFound();
}
