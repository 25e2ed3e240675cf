using ImagePipeline.Core;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Bench.Data;

/// <summary>A throw-away SQLite database built by the app's own services and migrations, seeded in bulk.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string Owner = "bench-owner";

    private BenchDatabase(ServiceProvider services, string directory)
    {
        Services = services;
        Directory = directory;
    }

    public ServiceProvider Services { get; }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "pipeline.db");

    public static async Task<BenchDatabase> CreateAsync(string root, string name, IDictionary<string, string?>? settings = null)
    {
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var values = new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = directory,
            ["Pipeline:Runner:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddImagePipeline(configuration).BuildServiceProvider();
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
        return new BenchDatabase(services, directory);
    }

    /// <summary>
    /// Adds <paramref name="count"/> images of <paramref name="owner"/> (default <see cref="Owner"/>), oldest first, each with a PREVIEW and a
    /// THUMBNAIL job in <paramref name="jobStatus"/>: 500 ms apart from a day ago, or, with <paramref name="spacing"/>, that far apart up to
    /// now with that capture time too (so they spread over months and years).
    /// </summary>
    public async Task SeedAsync(int count, ImageStatus imageStatus, JobStatus jobStatus, string owner = Owner, TimeSpan? spacing = null)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>();
        var step = spacing ?? TimeSpan.FromMilliseconds(500);
        var start = spacing is null ? DateTime.UtcNow.AddDays(-1) : DateTime.UtcNow - (step * count);
        const int batch = 5_000;
        for (var offset = 0; offset < count; offset += batch)
        {
            await using var db = await contexts.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = offset; i < Math.Min(count, offset + batch); i++)
            {
                var created = start + (step * i);
                var id = Guid.CreateVersion7(new DateTimeOffset(created));
                var stored = imageStatus == ImageStatus.Stored;
                db.Images.Add(new Image
                {
                    Id = id,
                    OriginalFileName = $"photo-{i}.jpg",
                    ContentType = "image/jpeg",
                    Format = "JPEG",
                    SizeBytes = 4_000_000,
                    Width = 6000,
                    Height = 4000,
                    Sha256 = Convert.ToHexStringLower(id.ToByteArray()).PadRight(64, '0'),
                    OriginalPath = $"originals/{id:N}.jpg",
                    ThumbnailPath = stored ? $"thumbnails/{id:N}.jpg" : null,
                    PreviewPath = stored ? $"previews/{id:N}.jpg" : null,
                    OwnerId = owner,
                    Status = imageStatus,
                    CapturedAt = spacing is null ? null : created,
                    CreatedAt = created,
                    UpdatedAt = created,
                });
                foreach (var type in JobFactory.AssetJobTypes)
                {
                    db.Jobs.Add(new Job
                    {
                        Id = Guid.CreateVersion7(new DateTimeOffset(created)),
                        ImageId = id,
                        Type = type,
                        Status = jobStatus,
                        RunAfter = created,
                        CreatedAt = created,
                        UpdatedAt = created,
                        CompletedAt = jobStatus == JobStatus.Completed ? created : null,
                    });
                }
            }

            await db.SaveChangesAsync();
        }

        await using var analyze = await contexts.CreateDbContextAsync();
        await analyze.Database.ExecuteSqlRawAsync("ANALYZE;");
    }

    /// <summary>SQLite's plan for <paramref name="sql"/>, one line per step.</summary>
    public async Task<string> ExplainAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join("; ", lines);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
