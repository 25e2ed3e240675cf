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
}
