using System.Diagnostics;
using System.Text.Json;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Diagnostics;

/// <summary><c>Logging:Console:FormatterName=json</c> turns the console logs into one JSON object per line.</summary>
public sealed class JsonConsoleLogTests
{
    [Fact]
    public async Task The_ready_line_is_a_json_object_with_its_structured_fields()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var webBin = Path.Combine(TestPaths.RepositoryRoot, "ImagePipeline.Web", "bin", configuration, "net10.0");
        var data = TestPaths.NewTempDirectory("ip-json-logs");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(webBin, "ImagePipeline.Web.dll"), "--urls", "http://127.0.0.1:0", "--data-dir", data, "--Logging:Console:FormatterName=json", "--Pipeline:Runner:Enabled=false" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            JsonElement? ready = null;
            while (ready is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Contains("is ready", StringComparison.Ordinal))
                {
                    ready = JsonDocument.Parse(line).RootElement.Clone();
                }
            }

            Assert.NotNull(ready);
            Assert.Equal("ImagePipeline", ready.Value.GetProperty("Category").GetString());
            Assert.Equal("Information", ready.Value.GetProperty("LogLevel").GetString());
            Assert.Equal(data, ready.Value.GetProperty("State").GetProperty("DataDirectory").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
