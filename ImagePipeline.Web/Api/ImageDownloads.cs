using System.IO.Compression;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Storage;

namespace ImagePipeline.Web.Api;

/// <summary>
/// Downloads of a selection: one photo answers its original; several answer a zip written straight into the response
/// as it is built (no Content-Length, never held whole in memory). Already-compressed formats are stored, not deflated.
/// </summary>
public sealed class ImageDownloads(ImageQueries queries, IAssetStorage storage)
{
    public const int MaxIds = 10_000;

    public async Task<IResult> DownloadAsync(HttpContext context, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count is 0 or > MaxIds)
        {
            return TypedResults.Problem(title: "Bad ids", detail: $"Give 1 to {MaxIds} image ids.", statusCode: 400);
        }

        var images = (await queries.FindManyAsync(context.User.ToViewer(), ids, cancellationToken))
            .Where(i => i.SourcePath is { } key && storage.Exists(key)).ToList();
        if (images.Count == 0)
        {
            return TypedResults.Problem(title: "Not found", detail: "None of these images is yours.", statusCode: 404);
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, no-store";
        if (images.Count == 1)
        {
            var image = images[0];
            return TypedResults.File(storage.OpenRead(image.SourcePath!), image.ContentType, DownloadName(image), enableRangeProcessing: true);
        }

        return new ZipResult(images, storage, $"photos-{images.Count}.zip");
    }

    /// <summary>A safe file name for an image's original: the client's name with the sniffed format's extension.</summary>
    public static string DownloadName(Image image)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var cleaned = new string([.. image.OriginalFileName.Select(c => invalid.Contains(c) || char.IsControl(c) || c == '"' ? '_' : c)]);
        var name = string.IsNullOrWhiteSpace(cleaned) ? "image" : cleaned;
        return Path.ChangeExtension(name, AssetLayout.ExtensionOf(image.ContentType));
    }

    private sealed class ZipResult(IReadOnlyList<Image> images, IAssetStorage storage, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var cancellationToken = httpContext.RequestAborted;
            response.ContentType = "application/zip";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await using var body = new PendingWriteStream(response.Body);
            var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            foreach (var image in images)
            {
                Stream source;
                try
                {
                    source = storage.OpenRead(image.SourcePath!);
                }
                catch (FileNotFoundException)
                {
                    continue; // deleted since the listing: leave it out
                }

                await using (source)
                {
                    var level = image.ContentType is "image/bmp" or "image/tiff" ? CompressionLevel.Fastest : CompressionLevel.NoCompression;
                    var entry = zip.CreateEntry(UniqueName(names, DownloadName(image)), level);
                    var taken = image.CapturedAt ?? image.CreatedAt;
                    if (taken.Year is >= 1980 and <= 2107)
                    {
                        entry.LastWriteTime = new DateTimeOffset(DateTime.SpecifyKind(taken, DateTimeKind.Utc));
                    }

                    await using (var target = await entry.OpenAsync(cancellationToken))
                    {
                        var buffer = new byte[1 << 16];
                        int read;
                        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                        {
                            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                            await body.DrainAsync(cancellationToken); // one chunk in memory at most
                        }
                    }

                    await body.DrainAsync(cancellationToken);
                }
            }

            await zip.DisposeAsync(); // the central directory
            await body.DrainAsync(cancellationToken);
        }

        private static string UniqueName(HashSet<string> names, string name)
        {
            var candidate = name;
            for (var n = 2; !names.Add(candidate); n++)
            {
                candidate = $"{Path.GetFileNameWithoutExtension(name)} ({n}){Path.GetExtension(name)}";
            }

            return candidate;
        }
    }
}
