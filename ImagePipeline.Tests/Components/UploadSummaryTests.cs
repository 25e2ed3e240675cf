using ImagePipeline.Core.Images;
using ImagePipeline.Web.Components.Upload;

namespace ImagePipeline.Tests.Components;

public sealed class UploadSummaryTests
{
    private static UploadEntry Entry(UploadPhase phase, long size, int batch = 1, int percent = 0, ImageStatus? status = null, bool sent = false, bool retryable = false, bool duplicate = false)
    {
        var entry = new UploadEntry { Key = Guid.NewGuid().ToString("N"), FileName = "a.jpg", Size = size, Batch = batch, Phase = phase, Percent = percent, Sent = sent, Retryable = retryable, Duplicate = duplicate };
        if (status is { } known)
        {
            entry.ApplyStatus(known, DateTime.UtcNow);
        }

        return entry;
    }

    [Fact]
    public void A_status_reported_late_does_not_undo_a_newer_one()
    {
        // The intake publishes INGESTED after its commit; a runner already draining may have published STORED before it.
        var entry = Entry(UploadPhase.Uploaded, 1000);
        var ingestedAt = new DateTime(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

        Assert.True(entry.ApplyStatus(ImageStatus.Processing, ingestedAt.AddMilliseconds(5)));
        Assert.True(entry.ApplyStatus(ImageStatus.Stored, ingestedAt.AddMilliseconds(40)));
        Assert.False(entry.ApplyStatus(ImageStatus.Ingested, ingestedAt));
        Assert.False(entry.ApplyStatus(ImageStatus.Processing, ingestedAt.AddMilliseconds(5)));

        Assert.Equal(ImageStatus.Stored, entry.Status);
        Assert.True(entry.Ready);
        Assert.Equal(1, UploadSummary.Of([entry], batch: 1, TimeSpan.FromSeconds(1)).FilesReady);

        // A later change (a retry after a failure, an asset back-fill) is newer and is taken.
        Assert.True(entry.ApplyStatus(ImageStatus.Processing, ingestedAt.AddSeconds(30)));
        Assert.Equal(ImageStatus.Processing, entry.Status);
    }

    [Fact]
    public void Counts_files_and_bytes_of_the_current_import_only()
    {
        var entries = new[]
        {
            Entry(UploadPhase.Uploaded, 1000, status: ImageStatus.Stored),
            Entry(UploadPhase.Uploaded, 1000, duplicate: true),
            Entry(UploadPhase.Uploaded, 1000, status: ImageStatus.Processing),
            Entry(UploadPhase.Uploading, 1000, percent: 50),
            Entry(UploadPhase.Queued, 1000),
            Entry(UploadPhase.Rejected, 5000),                       // refused by the page before sending: not part of the import
            Entry(UploadPhase.Cancelled, 7000, retryable: true),     // cancelled: out of the total
            Entry(UploadPhase.Rejected, 1000, sent: true),           // the server refused it: done (failed)
            Entry(UploadPhase.Uploaded, 9000, batch: 0, status: ImageStatus.Stored), // restored after a refresh
        };

        var summary = UploadSummary.Of(entries, batch: 1, TimeSpan.FromSeconds(10));

        Assert.Equal(6, summary.FilesTotal);
        Assert.Equal(4, summary.FilesDone);
        Assert.Equal(2, summary.FilesReady);
        Assert.Equal(1, summary.FilesFailed);
        Assert.Equal(6000, summary.BytesTotal);
        Assert.Equal(4500, summary.BytesDone);
        Assert.Equal(75, summary.Percent);
        Assert.False(summary.Finished);
    }

    [Fact]
    public void Reaches_100_percent_when_every_file_is_answered()
    {
        var entries = new[] { Entry(UploadPhase.Uploaded, 10, status: ImageStatus.Stored), Entry(UploadPhase.Uploaded, 30, status: ImageStatus.Ingested) };

        var summary = UploadSummary.Of(entries, 1, TimeSpan.FromSeconds(3));

        Assert.Equal(100, summary.Percent);
        Assert.True(summary.Finished);
        Assert.Null(summary.TimeLeft);
        Assert.Equal(1, summary.FilesReady);
    }

    [Fact]
    public void The_estimate_takes_the_slower_of_the_byte_and_file_rates()
    {
        // 10 s for half the bytes: 10 s more by bytes. 2 of 10 files: 40 s more by files (many small files cost a round trip each).
        Assert.Equal(TimeSpan.FromSeconds(40), UploadSummary.Estimate(filesTotal: 10, filesDone: 2, bytesTotal: 2000, bytesDone: 1000, TimeSpan.FromSeconds(10)));
        // 8 of 10 files in 8 s: 2 s by files; a quarter of the bytes in 8 s: 24 s by bytes.
        Assert.Equal(TimeSpan.FromSeconds(24), UploadSummary.Estimate(10, 8, 4000, 1000, TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public void No_estimate_while_warming_up_before_any_byte_or_once_done()
    {
        Assert.Null(UploadSummary.Estimate(10, 1, 100, 10, TimeSpan.FromMilliseconds(500)));
        Assert.Null(UploadSummary.Estimate(10, 0, 100, 0, TimeSpan.FromSeconds(5)));
        Assert.Null(UploadSummary.Estimate(10, 10, 100, 100, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(null, "estimating time left…")]
    [InlineData(0.4, "about 1 s left")]
    [InlineData(42.0, "about 42 s left")]
    [InlineData(150.0, "about 3 min left")]
    [InlineData(7200.0, "about 2 h left")]
    public void Describes_the_time_left(double? seconds, string expected) =>
        Assert.Equal(expected, UploadSummary.Describe(seconds is { } s ? TimeSpan.FromSeconds(s) : null));
}
