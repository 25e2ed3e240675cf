using Microsoft.Data.Sqlite;

namespace ImagePipeline.Tests.Reliability;

/// <summary>Reads a (stopped or running) app's data directory directly: job rows, image rows, files.</summary>
public sealed class DataDirectoryProbe(string dataDirectory)
{
    public string DataDirectory { get; } = dataDirectory;

    public IReadOnlyList<(string Status, string? LockedBy)> Jobs() =>
        Query("SELECT Status, LockedBy FROM Jobs", r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)));

    public long Count(string sql) => Query(sql, r => r.GetInt64(0)).Single();

    public IReadOnlyList<string> Files(string folder) =>
        Directory.Exists(Path.Combine(DataDirectory, folder))
            ? [.. Directory.EnumerateFiles(Path.Combine(DataDirectory, folder), "*", SearchOption.AllDirectories)]
            : [];

    /// <summary>Temp files (uploads or assets in flight) other than the instances' lock files.</summary>
    /// <summary>Files in the temp area, but its lock and the start-up warm-up's own throw-away folder (<see cref="Core.Processing.UploadRehearsal"/>),
    /// which exists for a second or two after every start and is deleted by the warm-up (or, after a crash, by the next start's sweep).</summary>
    public IReadOnlyList<string> TempFiles() =>
        [.. Files("tmp").Where(f => Path.GetFileName(f) != ".lock"
            && !f.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith(Core.Processing.UploadRehearsal.FolderPrefix, StringComparison.Ordinal)))];

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, "pipeline.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
