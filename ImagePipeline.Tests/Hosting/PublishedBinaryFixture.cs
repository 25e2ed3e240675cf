using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Hosting;

/// <summary>
/// Publishes the single binary once per test run (linux-x64, self-contained, single file, without ReadyToRun) into a folder under /tmp keyed by
/// this worktree, with its own artifacts path so it never touches the solution's bin/obj. Later publishes are incremental.
/// </summary>
public sealed class PublishedBinaryFixture : IAsyncLifetime
{
    public string BinaryPath { get; private set; } = string.Empty;

    public long BinarySize => new FileInfo(BinaryPath).Length;

    public TimeSpan PublishTime { get; private set; }

    /// <summary>
    /// Where the binary unpacks itself on its first start (<c>DOTNET_BUNDLE_EXTRACT_BASE_DIR</c>, set for every process this test
    /// run starts): beside the publish, emptied with it, instead of the user's ~/.net.
    /// </summary>
    public string ExtractionBase { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestPaths.RepositoryRoot)))[..12];
        var root = Path.Combine(Path.GetTempPath(), $"ip-single-binary-{key}");
        var output = Path.Combine(root, "out");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        ExtractionBase = Path.Combine(root, "extracted");
        if (Directory.Exists(ExtractionBase))
        {
            Directory.Delete(ExtractionBase, recursive: true);
        }

        Environment.SetEnvironmentVariable("DOTNET_BUNDLE_EXTRACT_BASE_DIR", ExtractionBase);

        var started = Stopwatch.StartNew();
        var project = Path.Combine(TestPaths.RepositoryRoot, "ImagePipeline.Web", "ImagePipeline.Web.csproj");
        var (exitCode, log) = await ProcessRunner.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishSingleFile=true", "-o", output,
             // ReadyToRun (the shipped default) only precompiles the IL and costs minutes of CPU here; everything else is as shipped.
             "-p:PublishReadyToRun=false",
             "--artifacts-path", Path.Combine(root, "artifacts"), "--disable-build-servers", "-nodeReuse:false", "-nologo", "-v:q"],
            TestPaths.RepositoryRoot,
            // No lingering build servers: they would inherit the output pipes and keep this call waiting.
            new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["UseSharedCompilation"] = "false" },
            TimeSpan.FromMinutes(20), CancellationToken.None);
        PublishTime = started.Elapsed;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({exitCode}):\n{log}");
        }

        var files = Directory.GetFileSystemEntries(output);
        if (files.Length != 1)
        {
            throw new InvalidOperationException($"The publish folder should hold one file, not: {string.Join(", ", files.Select(Path.GetFileName))}");
        }

        BinaryPath = files[0];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh empty folder holding only a copy of the binary.</summary>
    public string NewInstallFolder()
    {
        var folder = TestPaths.NewTempDirectory("ip-install");
        var copy = Path.Combine(folder, Path.GetFileName(BinaryPath));
        File.Copy(BinaryPath, copy);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    }
}
