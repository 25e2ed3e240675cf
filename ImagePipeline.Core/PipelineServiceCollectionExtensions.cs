using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImagePipeline.Core;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The pipeline: options, database, storage, intake, queue, runner (Quartz), processing.</summary>
    public static IServiceCollection AddImagePipeline(this IServiceCollection services, IConfiguration configuration)
    {
        // Before any image is decoded: large native buffers (libvips' decoded pixels) go back to the OS when freed.
        Processing.NativeHeap.Configure();

        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName)).ValidateOnStart()
            .PostConfigure(o =>
            {
                // Scale-out: ConnectionStrings:Pipeline names the PostgreSQL database; a Web instance runs no jobs.
                o.ConnectionString ??= configuration.GetConnectionString("Pipeline");
                o.Runner.Enabled &= o.Role.RunsJobs();
            });
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsCrossValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<SqliteConnectionInterceptor>();
        services.AddDbContextFactory<PipelineDbContext>((sp, db) =>
        {
            var options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            Directory.CreateDirectory(options.DataDirectoryFullPath);
            PipelineDatabase.Configure(db, options, sp); // SQLite or PostgreSQL (Pipeline:Database:Provider)
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext());
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService<DatabaseStartup>();

        services.AddSingleton<FirstRunState>();
        services.AddSingleton<ApiKeyService>();
        services.AddScoped<AccountService>();
        services.AddSingleton<UserQueries>();

        services.AddSingleton<IAssetStorage, FileSystemAssetStorage>();
        services.AddSingleton<OrphanFileSweeper>();
        services.AddSingleton<LostAndFound>();
        services.AddSingleton<IImageProcessor, ImageSharpProcessor>();
        services.AddSingleton<PipelineEventBroadcaster>();
        services.TryAddSingleton<IPipelineEventPublisher>(sp => sp.GetRequiredService<PipelineEventBroadcaster>());
        services.AddScoped<ImageIntake>();
        services.AddSingleton<ImageQueries>();
        services.AddSingleton<ImageDeleter>();
        services.AddSingleton<ImageTrash>();
        services.AddSingleton<TrashPurger>();
        services.AddSingleton<TimelineQueries>();
        services.AddSingleton<PhotoDetailsReader>();
        services.AddSingleton<Albums.AlbumService>();
        services.AddSingleton<Sharing.ShareLinkService>();
        services.AddSingleton<JobFactory>();
        services.AddSingleton<WalCheckpointer>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobAdmin>();
        services.AddSingleton<JobQueries>();
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();

        services.AddSingleton<DecodeMemoryBudget>();
        services.AddSingleton<PreviewPixelsHandoff>();
        services.AddSingleton<IJobHandler, PreviewJobHandler>();
        services.AddSingleton<IJobHandler, ThumbnailJobHandler>();
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<RunnerIdentity>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<QuartzRunnerWakeup>(); // this instance's own runner (the first drain after start rings it)
        services.AddSingleton<IRunnerWakeup>(sp => sp.GetRequiredService<QuartzRunnerWakeup>());
        services.AddHostedService<RunnerStartupLog>();
        services.AddSingleton<WarmupStandAside>();
        services.TryAddSingleton<IRehearsalFrontDoor, DirectFrontDoor>();
        services.AddSingleton<CodecWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<CodecWarmup>());

        var runner = new RunnerOptions();
        configuration.GetSection($"{PipelineOptions.SectionName}:Runner").Bind(runner);
        var trash = new TrashOptions();
        configuration.GetSection($"{PipelineOptions.SectionName}:Trash").Bind(trash);
        runner.Enabled &= PipelineRoles.FromConfiguration(configuration).RunsJobs();
        // A unique scheduler name: several hosts in one process (tests, benchmarks) must not share a scheduler.
        var quartzProperties = new System.Collections.Specialized.NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = $"pipeline-{Guid.NewGuid():N}",
        };
        services.AddQuartz(quartzProperties, quartz =>
        {
            quartz.AddJob<JobRunnerQuartzJob>(job => job.WithIdentity(JobRunnerQuartzJob.Key).StoreDurably());
            quartz.AddJob<OrphanSweepQuartzJob>(job => job.WithIdentity(OrphanSweepQuartzJob.Key).StoreDurably());
            if (runner.Enabled)
            {
                // The interval's first poll a second after start (JobRunnerQuartzJob.FirstPollAfter); a host serving HTTP rings it sooner.
                quartz.AddTrigger(trigger => trigger.ForJob(JobRunnerQuartzJob.Key).WithIdentity("job-runner-interval", "pipeline")
                    .StartAt(DateTimeOffset.UtcNow + JobRunnerQuartzJob.FirstPollAfter(runner.PollInterval))
                    .WithSimpleSchedule(s => s.WithInterval(runner.PollInterval).RepeatForever()));
                // The first sweep a minute after start, off the start-up path (OrphanSweepQuartzJob), then every interval.
                var firstSweep = runner.OrphanSweepInterval < OrphanSweepQuartzJob.FirstRunAfter ? runner.OrphanSweepInterval : OrphanSweepQuartzJob.FirstRunAfter;
                quartz.AddTrigger(trigger => trigger.ForJob(OrphanSweepQuartzJob.Key).WithIdentity("orphan-sweep-interval", "pipeline")
                    .StartAt(DateTimeOffset.UtcNow + firstSweep)
                    .WithSimpleSchedule(s => s.WithInterval(runner.OrphanSweepInterval).RepeatForever()));
            }

            // The trash: photos past Pipeline:Trash:RetentionDays are deleted for good, with their files.
            quartz.AddJob<TrashPurgeQuartzJob>(job => job.WithIdentity(TrashPurgeQuartzJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger.ForJob(TrashPurgeQuartzJob.Key).WithIdentity("trash-purge-interval", "pipeline")
                .StartAt(DateTimeOffset.UtcNow.AddMinutes(1)).WithSimpleSchedule(s => s.WithInterval(trash.PurgeInterval).RepeatForever()));
        });
        // Always started: the trash purge runs even when the runner is off (the runner's trigger is only added when on).
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        return services;
    }
}
