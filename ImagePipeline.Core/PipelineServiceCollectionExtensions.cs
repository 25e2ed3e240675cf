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
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsCrossValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<SqliteConnectionInterceptor>();
        services.AddDbContextFactory<PipelineDbContext>((sp, db) =>
        {
            var options = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            Directory.CreateDirectory(options.DataDirectoryFullPath);
            var connection = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? $"Data Source={Path.Combine(options.DataDirectoryFullPath, "pipeline.db")};Cache=Private;Pooling=True"
                : options.ConnectionString;
            db.UseSqlite(connection).AddInterceptors(sp.GetRequiredService<SqliteConnectionInterceptor>());
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
        services.AddSingleton<IImageProcessor, ImageSharpProcessor>();
        services.AddSingleton<PipelineEventBroadcaster>();
        services.TryAddSingleton<IPipelineEventPublisher>(sp => sp.GetRequiredService<PipelineEventBroadcaster>());
        services.AddScoped<ImageIntake>();
        services.AddSingleton<ImageQueries>();
        services.AddSingleton<ImageDeleter>();
        services.AddSingleton<JobFactory>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobAdmin>();
        services.AddSingleton<JobQueries>();
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();

        services.AddSingleton<IJobHandler, PreviewJobHandler>();
        services.AddSingleton<IJobHandler, ThumbnailJobHandler>();
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<RunnerIdentity>();
        services.AddSingleton<RunnerSignal>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<IRunnerWakeup, QuartzRunnerWakeup>();
        services.AddHostedService<RunnerStartupLog>();

        var runner = new RunnerOptions();
        configuration.GetSection($"{PipelineOptions.SectionName}:Runner").Bind(runner);
        // A unique scheduler name: several hosts in one process (tests, benchmarks) must not share a scheduler.
        var quartzProperties = new System.Collections.Specialized.NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = $"pipeline-{Guid.NewGuid():N}",
        };
        services.AddQuartz(quartzProperties, quartz =>
        {
            quartz.AddJob<JobRunnerQuartzJob>(job => job.WithIdentity(JobRunnerQuartzJob.Key).StoreDurably());
            if (runner.Enabled)
            {
                quartz.AddTrigger(trigger => trigger.ForJob(JobRunnerQuartzJob.Key).WithIdentity("job-runner-interval", "pipeline")
                    .StartNow().WithSimpleSchedule(s => s.WithInterval(runner.PollInterval).RepeatForever()));
            }
        });
        if (runner.Enabled)
        {
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        return services;
    }
}
