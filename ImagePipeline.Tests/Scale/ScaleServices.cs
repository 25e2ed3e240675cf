using Npgsql;

namespace ImagePipeline.Tests.Scale;

/// <summary>
/// The PostgreSQL server and Redis that the scale-out tests run against, named by IMAGEPIPELINE_TEST_POSTGRES (an Npgsql
/// connection string without a database) and IMAGEPIPELINE_TEST_REDIS (host:port). ./test.sh starts throwaway ones
/// (.ci/services.sh). Missing variables fail the test with a clear message; they never skip it.
/// </summary>
public static class ScaleServices
{
    public const string PostgresVariable = "IMAGEPIPELINE_TEST_POSTGRES";
    public const string RedisVariable = "IMAGEPIPELINE_TEST_REDIS";

    public static string Postgres => Require(PostgresVariable);

    public static string Redis => Require(RedisVariable);

    /// <summary>A connection string to a database name nobody used yet (the app creates it at start-up).</summary>
    public static string NewDatabaseConnectionString(string tag) =>
        new NpgsqlConnectionStringBuilder(Postgres) { Database = $"ip_{tag}_{Guid.NewGuid():N}"[..40] }.ConnectionString;

    /// <summary>Drops a test database, closing whatever connections are left on it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: the scale-out tests need a PostgreSQL server and a Redis. Run ./test.sh (it starts both), " +
                "or in this shell: source .ci/services.sh && start_test_services");
}
