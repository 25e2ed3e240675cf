using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ImagePipeline.Tests.Scale;
using Npgsql;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// Which database the general suite runs on. By default each test's data directory holds its own SQLite file
/// (<c>pipeline.db</c>). With <c>IMAGEPIPELINE_TEST_PROVIDER=Postgres</c> (./test.sh's second pass) every data directory
/// gets its own fresh PostgreSQL database instead, on the server named by IMAGEPIPELINE_TEST_POSTGRES: its name is derived
/// from the data directory, so every app and runner over one data directory (a restart, a second "process") shares it,
/// like they share the SQLite file; the app creates it at start-up and <see cref="Drop"/> removes it with the directory.
/// Tests about SQLite itself carry <c>[Trait("Provider", "Sqlite")]</c> and are left out of that pass.
/// </summary>
public static class TestDatabase
{
    public const string ProviderVariable = "IMAGEPIPELINE_TEST_PROVIDER";

    /// <summary>The trait that marks tests about SQLite itself (migration history, pragmas, the file): <c>[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]</c>.</summary>
    public const string Trait = "Provider";

    public const string SqliteOnly = "Sqlite";

    private static readonly ConcurrentDictionary<string, string> Created = new(StringComparer.Ordinal);

    public static bool IsPostgres { get; } = ReadProvider();

    /// <summary>What points an app or runner over <paramref name="dataDirectory"/> at its database (nothing on SQLite: the file lives in the data directory).</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string dataDirectory) => IsPostgres
        ? new Dictionary<string, string?>
        {
            ["Pipeline:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Pipeline"] = ConnectionString(dataDirectory),
        }
        : new Dictionary<string, string?>();

    /// <summary>The PostgreSQL connection string of the database that belongs to <paramref name="dataDirectory"/>.</summary>
    public static string ConnectionString(string dataDirectory)
    {
        var key = Key(dataDirectory);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        var connection = new NpgsqlConnectionStringBuilder(ScaleServices.Postgres)
        {
            Database = $"ipt_{hash}",
            // Idle pooled connections of finished tests go back to the server soon (max_connections is shared by the pass).
            ConnectionIdleLifetime = 5,
            ConnectionPruningInterval = 1,
        }.ConnectionString;
        Created[key] = connection;
        return connection;
    }

    /// <summary>Drops the PostgreSQL database of <paramref name="dataDirectory"/> if one was handed out (nothing on SQLite).</summary>
    public static void Drop(string dataDirectory)
    {
        if (!IsPostgres || !Created.TryRemove(Key(dataDirectory), out var connection))
        {
            return;
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(connection));
        var database = new NpgsqlConnectionStringBuilder(connection).Database!;
        using var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ScaleServices.Postgres) { Database = "postgres", Pooling = false }.ConnectionString);
        maintenance.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", maintenance);
        drop.ExecuteNonQuery();
    }

    /// <summary>Deletes a test's data directory and, on PostgreSQL, its database.</summary>
    public static void DeleteDataDirectory(string dataDirectory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Drop(dataDirectory);
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    private static string Key(string dataDirectory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));

    private static bool ReadProvider()
    {
        var value = Environment.GetEnvironmentVariable(ProviderVariable);
        if (string.IsNullOrEmpty(value) || value.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return value.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new InvalidOperationException($"{ProviderVariable} must be Sqlite or Postgres, not '{value}'.");
    }
}
