using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Tests.Processing;

/// <summary>The runner checks the decode bounds again with today's settings before it decodes.</summary>
public sealed class RunnerDecodeBoundsTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task An_original_accepted_under_a_higher_limit_fails_at_once_without_being_decoded()
    {
        Guid id;
        await using (var before = new RunnerHost(_data))
        {
            await before.MigrateAsync();
            id = await before.IngestAsync(TestPaths.Image("path-2560x1600.jpg")); // 4.1 MP under the default 100 MP
        }

        await using var now = new RunnerHost(_data, settings: new Dictionary<string, string?> { ["Pipeline:Upload:MaxPixels"] = "2000000" });
        await now.Runner.DrainAsync(CancellationToken.None);

        await using var db = now.CreateDbContext();
        var image = await db.Images.Include(i => i.Jobs).SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Failed, image.Status);
        var preview = image.Jobs.Single(j => j.Type == JobType.Preview);
        Assert.Equal(JobStatus.Failed, preview.Status);
        Assert.Equal(1, preview.Attempts); // a bound, not a transient error: no retry
        Assert.Contains("megapixels", preview.LastError, StringComparison.Ordinal);
        Assert.Null(image.PreviewPath);
    }
}
