using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Npgsql;

namespace ImagePipeline.Tests.Scale;

/// <summary>
/// One scale-out deployment for a test: the published binary in one install folder, a fresh PostgreSQL database, one
/// shared data directory and its own Redis channel prefix; instances of any role started as separate processes.
/// </summary>
public sealed class ScaleOutDeployment : IAsyncDisposable
{
    private readonly List<RunningApp> _apps = [];
    private readonly string _folder;

    private readonly bool _redis;

    public ScaleOutDeployment(PublishedBinaryFixture binary, string tag, bool redis = true)
    {
        _redis = redis;
        _folder = binary.NewInstallFolder();
        DataDirectory = Path.Combine(_folder, "shared-data");
        ConnectionString = ScaleServices.NewDatabaseConnectionString(tag);
        ChannelPrefix = $"ip-test-{Guid.NewGuid():N}";
        _ = ScaleServices.Redis; // fail here, clearly, when Redis is not configured
    }

    public string DataDirectory { get; }

    /// <summary>The published binary in this deployment's install folder (for operator commands).</summary>
    public string BinaryPath => Path.Combine(_folder, "ImagePipeline.Web");

    public string ConnectionString { get; }

    public string ChannelPrefix { get; }

    public IReadOnlyDictionary<string, string> Environment(string role, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Pipeline__Role"] = role,
            ["Pipeline__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Pipeline"] = ConnectionString,
            ["ConnectionStrings__Redis"] = _redis ? ScaleServices.Redis : "",
            ["Pipeline__Redis__ChannelPrefix"] = ChannelPrefix,
            ["Pipeline__DataDirectory"] = DataDirectory,
            // A long poll interval: work must reach the other instances through the wake-up, not the next poll.
            ["Pipeline__Runner__PollInterval"] = "00:00:05",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public async Task<RunningApp> StartAsync(string role, IReadOnlyDictionary<string, string>? extra = null)
    {
        var app = await RunningApp.StartAsync(_folder, Environment(role, extra));
        lock (_apps)
        {
            _apps.Add(app);
        }

        return app;
    }

    /// <summary>Rows of one query on the deployment's database.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Every attempt of every job: (job id, job status, attempt outcome, runner id).</summary>
    public Task<List<(Guid JobId, string JobStatus, string? Outcome, string RunnerId)>> AttemptsAsync() =>
        QueryAsync("""SELECT j."Id", j."Status", a."Outcome", a."RunnerId" FROM "JobAttempts" a JOIN "Jobs" j ON j."Id" = a."JobId" """,
            r => (r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)));

    public string Logs() => string.Join("\n----\n", _apps.Select(a => a.Output));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await ScaleServices.DropDatabaseAsync(ConnectionString);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process: the temp folder is cleaned by the OS later.
        }
    }

    /// <summary>True when a runner id (<c>host:pid:suffix</c>) belongs to the process <paramref name="app"/>.</summary>
    public static bool RanOn(string runnerId, RunningApp app) => runnerId.Split(':') is [_, var pid, _] && pid == app.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ApiKey(RunningApp app) => app.Client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();

    public static byte[] TinyImage(int seed) => TestImages.DistinctPng(seed, 48, 32);
}
