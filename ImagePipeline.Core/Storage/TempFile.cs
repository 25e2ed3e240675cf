namespace ImagePipeline.Core.Storage;

/// <summary>A temp file that deletes itself on dispose unless it was promoted to a final key.</summary>
public sealed class TempFile(string path) : IDisposable
{
    public string Path { get; } = path;

    internal bool Promoted { get; set; }

    public void Dispose()
    {
        if (!Promoted)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Swept at the next start-up.
            }
        }
    }
}
