using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImagePipeline.Tests.Jobs;

/// <summary>
/// The runner's first drain after start is not at once but after the app's first answer, or a second after start
/// (RunnerFirstDrain, JobRunnerQuartzJob.FirstPollDelay): jobs the last run left are still picked up with no upload, no
/// request and an interval far away.
/// </summary>
public sealed class RunnerFirstDrainTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose() => TestDatabase.DeleteDataDirectory(_data);

    [Theory]
    [InlineData("00:00:00.200", 200)]
    [InlineData("00:00:01", 1000)]
    [InlineData("00:00:05", 1000)]
    [InlineData("01:00:00", 1000)]
    public void The_first_poll_comes_a_second_after_start_or_after_a_shorter_interval(string interval, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), JobRunnerQuartzJob.FirstPollAfter(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Jobs_the_last_run_left_are_drained_after_start_without_a_request_an_upload_or_a_poll()
    {
        Guid imageId;
        using (var stopped = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, _data))
        {
            imageId = await ImagesApiTests.UploadAsync(stopped.CreateClient(), "cramps.gif");
            await using var db = stopped.CreateDbContext();
            Assert.Equal(2, await db.Jobs.CountAsync(j => j.ImageId == imageId && j.Status == JobStatus.Pending));
        }

        // An hour between polls, no HTTP request at all, and the app's other wake-ups (the warm-up's, an upload's) silenced:
        // only the first drain after start can run the two jobs.
        using var factory = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:PollInterval"] = "01:00:00" }, _data);
        using var app = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<IRunnerWakeup, SilentWakeup>()));
        Assert.Contains(app.Services.GetServices<IHostedService>(), s => s is RunnerFirstDrain); // starts the host

        var deadline = DateTime.UtcNow.AddSeconds(60);
        ImageStatus status;
        do
        {
            await Task.Delay(100);
            await using var scope = app.Services.CreateAsyncScope();
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<Core.Data.PipelineDbContext>>().CreateDbContextAsync();
            status = await db.Images.Where(i => i.Id == imageId).Select(i => i.Status).SingleAsync();
        }
        while (status != ImageStatus.Stored && DateTime.UtcNow < deadline);

        Assert.Equal(ImageStatus.Stored, status);
    }

    private sealed class SilentWakeup : IRunnerWakeup
    {
        public void Wake()
        {
        }
    }
}
