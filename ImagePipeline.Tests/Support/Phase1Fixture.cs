using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// A data directory as the predecessor's Phase 1 left it: the Phase1 schema only, three INGESTED images with their
/// files at their temp paths, and two Phase 1 jobs that name their image in a JSON payload.
/// </summary>
public static class Phase1Fixture
{
    public static readonly Guid WithJobs = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid WithoutJobsA = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public static readonly Guid WithoutJobsB = Guid.Parse("33333333-3333-3333-3333-333333333333");

    public static readonly string[] Files = ["uploads/legacy-1.jpg", "uploads/legacy-2.png", "uploads/legacy-3.gif"];

    public static async Task CreateAsync(string dataDirectory)
    {
        var dbPath = Path.Combine(dataDirectory, "pipeline.db");
        var options = new DbContextOptionsBuilder<Core.Data.PipelineDbContext>().UseSqlite($"Data Source={dbPath};Pooling=False").Options;
        await using (var db = new Core.Data.PipelineDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261126132404_Phase1");
        }

        Directory.CreateDirectory(Path.Combine(dataDirectory, "uploads"));
        File.Copy(TestPaths.Image("path-2560x1600.jpg"), Path.Combine(dataDirectory, Files[0]));
        File.Copy(TestPaths.Image("rgba-alpha.png"), Path.Combine(dataDirectory, Files[1]));
        File.Copy(TestPaths.Image("cramps.gif"), Path.Combine(dataDirectory, Files[2]));

        await using var connection = new SqliteConnection($"Data Source={dbPath};Pooling=False");
        await connection.OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO Images (Id, FileName, ContentType, Size, Width, Height, TempPath, Status, CreatedAt, UpdatedAt) VALUES
              ('{WithJobs.ToString().ToUpperInvariant()}', 'holiday.jpg', 'image/jpeg', {new FileInfo(TestPaths.Image("path-2560x1600.jpg")).Length}, 2560, 1600, '{Files[0]}', 'INGESTED', '2026-01-10 10:00:00', '2026-01-10 10:00:00'),
              ('{WithoutJobsA.ToString().ToUpperInvariant()}', 'logo.png', 'image/png', {new FileInfo(TestPaths.Image("rgba-alpha.png")).Length}, 128, 128, '{Files[1]}', 'INGESTED', '2026-01-11 10:00:00', '2026-01-11 10:00:00'),
              ('{WithoutJobsB.ToString().ToUpperInvariant()}', 'dance.gif', 'image/gif', {new FileInfo(TestPaths.Image("cramps.gif")).Length}, 159, 203, '{Files[2]}', 'INGESTED', '2026-01-12 10:00:00', '2026-01-12 10:00:00');
            INSERT INTO Jobs (Id, Type, Payload, Status, CreatedAt, UpdatedAt) VALUES
              ('AAAAAAAA-0000-0000-0000-000000000001', 'THUMBNAIL', '{"{"}"imageId":"{WithJobs}","tempPath":"{Files[0]}"{"}"}', 'PENDING', '2026-01-10 10:00:01', '2026-01-10 10:00:01'),
              ('AAAAAAAA-0000-0000-0000-000000000002', 'PREVIEW', '{"{"}"imageId":"{WithJobs}","tempPath":"{Files[0]}"{"}"}', 'PENDING', '2026-01-10 10:00:01', '2026-01-10 10:00:01');
            """;
        await insert.ExecuteNonQueryAsync();
    }
}
