namespace ImagePipeline.Bench.Processing;

/// <summary>One way to make the preview (≤1600 from the original) and the thumbnail (≤320 from the preview).</summary>
public interface IEngine
{
    string Name { get; }

    /// <summary>Writes <c>{tag}-preview.jpg</c> and <c>{tag}-thumb.jpg</c> into <paramref name="outputDirectory"/>.</summary>
    Task RunAsync(string input, string outputDirectory, string tag);
}
