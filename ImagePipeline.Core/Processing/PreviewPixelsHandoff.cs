namespace ImagePipeline.Core.Processing;

/// <summary>
/// Hands the pixels of a preview just written to its image's thumbnail job, which the runner claims next in the same drain:
/// the thumbnail is then made without reading and decoding the preview file again. Holds a few images' previews at most
/// (oldest dropped first) and nothing once the queue drains; a thumbnail that finds nothing here reads the preview file.
/// </summary>
public sealed class PreviewPixelsHandoff : IDisposable
{
    /// <summary>Previews held at most (a 1600 px preview is ~5 MB of pixels).</summary>
    public const int Capacity = 4;

    private readonly Lock _gate = new();
    private readonly List<(Guid ImageId, AssetPixels Pixels)> _held = [];

    /// <summary>How many previews are held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Keeps <paramref name="pixels"/> (now owned here) for <paramref name="imageId"/>'s thumbnail.</summary>
    public void Offer(Guid imageId, AssetPixels pixels)
    {
        List<AssetPixels> dropped = [];
        lock (_gate)
        {
            RemoveLocked(imageId, dropped);
            _held.Add((imageId, pixels));
            while (_held.Count > Capacity)
            {
                dropped.Add(_held[0].Pixels);
                _held.RemoveAt(0);
            }
        }

        dropped.ForEach(p => p.Dispose());
    }

    /// <summary>The preview pixels of <paramref name="imageId"/>, now owned by the caller; null when none are held.</summary>
    public AssetPixels? Take(Guid imageId)
    {
        lock (_gate)
        {
            var index = _held.FindIndex(h => h.ImageId == imageId);
            if (index < 0)
            {
                return null;
            }

            var pixels = _held[index].Pixels;
            _held.RemoveAt(index);
            return pixels;
        }
    }

    /// <summary>Drops everything held (the queue drained, or the process stops).</summary>
    public void Clear()
    {
        List<AssetPixels> dropped;
        lock (_gate)
        {
            dropped = [.. _held.Select(h => h.Pixels)];
            _held.Clear();
        }

        dropped.ForEach(p => p.Dispose());
    }

    public void Dispose() => Clear();

    private void RemoveLocked(Guid imageId, List<AssetPixels> dropped)
    {
        var index = _held.FindIndex(h => h.ImageId == imageId);
        if (index >= 0)
        {
            dropped.Add(_held[index].Pixels);
            _held.RemoveAt(index);
        }
    }
}
