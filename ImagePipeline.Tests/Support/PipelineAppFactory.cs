using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Support;

/// <summary>The real app in the test host, on a fresh data directory (real SQLite file) that is deleted afterwards.</summary>
public class PipelineAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;

    public PipelineAppFactory(IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? TestPaths.NewTempDirectory();
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Pipeline:DataDirectory"] = DataDirectory,
            ["Pipeline:Runner:PollInterval"] = "00:00:01",
            ["Pipeline:Runner:RetryBaseDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public PipelineDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext();

    /// <summary>Every file under the data directory except the database and the live temp area (for "nothing left behind" checks).</summary>
    public IReadOnlyList<string> StoredFiles() =>
        [.. Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DataDirectory, f))
            .Where(f => !f.StartsWith("pipeline.db", StringComparison.Ordinal) && !f.StartsWith("tmp", StringComparison.Ordinal)
                && !f.StartsWith("keys", StringComparison.Ordinal) && !f.StartsWith("backups", StringComparison.Ordinal))
            .Order()];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is under /tmp.
            }
        }
    }
}
