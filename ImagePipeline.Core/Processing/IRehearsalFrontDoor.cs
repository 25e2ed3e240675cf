using ImagePipeline.Core.Images;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// How the start-up rehearsal (<see cref="UploadRehearsal"/>) hands its photo to its throw-away intake. Core hands it over
/// directly; the web app puts it through the real upload endpoint (its middleware and request delegate, the multipart reading,
/// the answer's JSON), so that code is compiled before the first real upload too.
/// </summary>
public interface IRehearsalFrontDoor
{
    /// <summary>Uploads <paramref name="photo"/> into <paramref name="intake"/> and returns the new image's id.</summary>
    Task<Guid> UploadAsync(ImageIntake intake, byte[] photo, string fileName, CancellationToken cancellationToken);
}

/// <summary>The intake called directly: what an instance without the upload endpoint (a worker) rehearses.</summary>
public sealed class DirectFrontDoor : IRehearsalFrontDoor
{
    public async Task<Guid> UploadAsync(ImageIntake intake, byte[] photo, string fileName, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(photo, writable: false);
        return (await intake.IngestAsync(content, fileName, null, cancellationToken)).Image.Id;
    }
}
