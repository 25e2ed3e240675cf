namespace ImagePipeline.Web.Components.Upload;

/// <summary>
/// The overall bar of one import: files and bytes the server has, those still to send, and an estimate of the time left.
/// </summary>
/// <remarks>
/// Cancelled files and files refused before sending are out of the total; a file the server answered (stored, duplicate or
/// refused) counts as done. The estimate takes the slower of the byte rate and the file rate seen so far, since many small
/// photos cost a round trip each whatever their size.
/// </remarks>
public sealed record UploadSummary(int FilesTotal, int FilesDone, int FilesReady, int FilesFailed, long BytesTotal, long BytesDone, TimeSpan? TimeLeft)
{
    /// <summary>Shortest run before an estimate is shown: the first second says little about the rate.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static UploadSummary Empty { get; } = new(0, 0, 0, 0, 0, 0, null);

    /// <summary>Bytes done over bytes to send, 0–100 (100 when there is nothing to send).</summary>
    public int Percent => BytesTotal <= 0 ? (FilesTotal == FilesDone ? 100 : 0) : (int)Math.Clamp(BytesDone * 100 / BytesTotal, 0, 100);

    public bool Finished => FilesDone == FilesTotal;

    public static UploadSummary Of(IEnumerable<UploadEntry> entries, int batch, TimeSpan elapsed)
    {
        int total = 0, done = 0, ready = 0, failed = 0;
        long bytesTotal = 0, bytesDone = 0;
        foreach (var e in entries)
        {
            if (e.Batch != batch || e.Phase == UploadPhase.Cancelled || (e.Phase == UploadPhase.Rejected && !e.Sent && !e.Retryable))
            {
                continue;
            }

            total++;
            bytesTotal += e.Size;
            switch (e.Phase)
            {
                case UploadPhase.Uploaded:
                    done++;
                    bytesDone += e.Size;
                    ready += e.Ready ? 1 : 0;
                    failed += e.Status == ImagePipeline.Core.Images.ImageStatus.Failed ? 1 : 0;
                    break;
                case UploadPhase.Rejected:
                    done++;
                    failed++;
                    bytesDone += e.Size;
                    break;
                case UploadPhase.Uploading:
                    bytesDone += e.Size * Math.Clamp(e.Percent, 0, 100) / 100;
                    break;
            }
        }

        return new UploadSummary(total, done, ready, failed, bytesTotal, bytesDone, Estimate(total, done, bytesTotal, bytesDone, elapsed));
    }

    /// <summary>Time left at the rates seen so far: the slower of bytes per second and files per second; null while warming up or done.</summary>
    public static TimeSpan? Estimate(int filesTotal, int filesDone, long bytesTotal, long bytesDone, TimeSpan elapsed)
    {
        if (elapsed < WarmUp || filesDone >= filesTotal || bytesDone <= 0)
        {
            return null;
        }

        var seconds = (bytesTotal - bytesDone) / (bytesDone / elapsed.TotalSeconds);
        if (filesDone > 0)
        {
            seconds = Math.Max(seconds, (filesTotal - filesDone) / (filesDone / elapsed.TotalSeconds));
        }

        return TimeSpan.FromSeconds(Math.Ceiling(seconds));
    }

    /// <summary>"about 3 min left", for the overall bar.</summary>
    public static string Describe(TimeSpan? left) => left switch
    {
        null => "estimating time left…",
        { TotalSeconds: < 60 } t => $"about {Math.Max(1, (int)Math.Ceiling(t.TotalSeconds))} s left",
        { TotalMinutes: < 90 } t => $"about {(int)Math.Ceiling(t.TotalMinutes)} min left",
        var t => $"about {t.Value.TotalHours:0.#} h left",
    };
}
