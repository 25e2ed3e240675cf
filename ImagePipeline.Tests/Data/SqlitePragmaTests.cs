using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Tests.Data;

[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // SQLite's pragmas
public sealed class SqlitePragmaTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Every_connection_runs_wal_with_full_sync()
    {
        _app.CreateClient();
        await using var db = _app.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();

        command.CommandText = "PRAGMA synchronous;";
        var synchronous = Convert.ToInt32(await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode;";
        var journal = (string?)await command.ExecuteScalarAsync();

        Assert.Equal(2, synchronous); // FULL: a committed upload survives an OS crash or power loss
        Assert.Equal("wal", journal);
    }

    [Fact]
    public async Task The_runners_relaxed_sync_never_leaks_to_other_connections_through_the_pool()
    {
        var data = TestPaths.NewTempDirectory();
        try
        {
            await using var host = new RunnerHost(data);
            await host.MigrateAsync();
            var id = await host.IngestAsync(TestPaths.Image("path-2560x1600.jpg"));

            // Claims and completions run on connections set to NORMAL, which then go back to the pool.
            await host.Runner.DrainAsync(CancellationToken.None);

            var contexts = Enumerable.Range(0, 4).Select(_ => host.CreateDbContext()).ToList();
            try
            {
                foreach (var db in contexts)
                {
                    await db.Database.OpenConnectionAsync();
                    await using var command = db.Database.GetDbConnection().CreateCommand();
                    command.CommandText = "PRAGMA synchronous;";
                    Assert.Equal(2, Convert.ToInt32(await command.ExecuteScalarAsync())); // FULL for uploads and everything else
                    command.CommandText = "PRAGMA wal_autocheckpoint;";
                    Assert.Equal(1000, Convert.ToInt32(await command.ExecuteScalarAsync())); // SQLite's default, not the runner's 4,000
                }

                Assert.Equal(Core.Images.ImageStatus.Stored, (await contexts[0].Images.SingleAsync(i => i.Id == id)).Status);
            }
            finally
            {
                foreach (var db in contexts)
                {
                    await db.DisposeAsync();
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
