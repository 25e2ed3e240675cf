using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// The real app in the test host, on a fresh data directory (real SQLite file, or with IMAGEPIPELINE_TEST_PROVIDER=Postgres
/// a fresh PostgreSQL database of its own, see <see cref="TestDatabase"/>) that is deleted afterwards.
/// </summary>
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
            ["Pipeline:Security:BootstrapApiKey"] = BootstrapKey,
        };
        foreach (var (key, value) in TestDatabase.Settings(DataDirectory))
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>The admin key every <see cref="WebApplicationFactory{T}.CreateClient()"/> client sends (X-Api-Key).</summary>
    public const string BootstrapKey = "test-bootstrap-key-0123456789abcdef";

    public string DataDirectory { get; }

    /// <summary>A client that sends no credentials and follows no redirects.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    /// <summary>A client authenticated with the given API key.</summary>
    public HttpClient CreateClientWithKey(string apiKey)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Creates a user (role User or Admin) and returns one of their API keys.</summary>
    public async Task<(string UserId, string ApiKey)> CreateUserAsync(string userName, string role = Core.Accounts.Roles.User, string password = "correct horse battery")
    {
        using var scope = Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<Core.Accounts.AccountService>().CreateAsync(userName, password, role);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Accounts.AppUser>>().FindByNameAsync(userName);
        var (_, secret) = await Services.GetRequiredService<Core.Accounts.ApiKeyService>().CreateAsync(user!.Id, "test", CancellationToken.None);
        return (user.Id, secret);
    }

    public PipelineDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext();

    /// <summary>Every file under the data directory except the database and the live temp area (for "nothing left behind" checks).</summary>
    public IReadOnlyList<string> StoredFiles() =>
        [.. Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DataDirectory, f))
            .Where(f => !f.StartsWith("pipeline.db", StringComparison.Ordinal) && !f.StartsWith("tmp", StringComparison.Ordinal)
                && !f.StartsWith("keys", StringComparison.Ordinal) && !f.StartsWith("backups", StringComparison.Ordinal))
            .Order()];

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", BootstrapKey);
    }

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
            try
            {
                TestDatabase.DeleteDataDirectory(DataDirectory);
            }
            catch (IOException)
            {
                // Best effort: it is under /tmp.
            }
        }
    }
}
