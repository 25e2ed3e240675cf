using System.Diagnostics;

namespace ImagePipeline.Bench.Processing;

/// <summary>Debian's <c>vipsthumbnail</c> CLI, two commands (preview from the original, thumbnail from the preview), one libvips thread each.</summary>
public sealed class VipsThumbnailEngine(string executable) : IEngine
{
    public const string InstallHint = "apt-get install -y libvips-tools";

    public string Name => "vipsthumbnail";

    /// <summary>The <c>vipsthumbnail</c> on PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "vipsthumbnail"))
            .FirstOrDefault(File.Exists);

    public async Task RunAsync(string input, string outputDirectory, string tag)
    {
        var preview = Path.Combine(outputDirectory, $"{tag}-preview.jpg");
        var thumbnail = Path.Combine(outputDirectory, $"{tag}-thumb.jpg");
        await RunAsync(input, ImageSharpEngine.PreviewSize, preview);
        await RunAsync(preview, ImageSharpEngine.ThumbnailSize, thumbnail);
    }

    private async Task RunAsync(string input, int size, string output)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(input);
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(output + "[Q=80]");
        start.Environment["VIPS_CONCURRENCY"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("vipsthumbnail did not start.");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"vipsthumbnail failed ({process.ExitCode}): {error}");
        }
    }
}
