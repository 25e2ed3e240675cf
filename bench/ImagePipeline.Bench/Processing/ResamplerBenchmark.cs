using ImagePipeline.Bench.Measurement;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace ImagePipeline.Bench.Processing;

/// <summary>The resize step alone (24 MP Rgb24 already decoded → fit 1600, one thread): which resampler, one step or two.</summary>
public sealed class ResamplerBenchmark(int runs)
{
    public async Task RunAsync(TextWriter report)
    {
        var configuration = SixLabors.ImageSharp.Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        var file = Path.Combine(Corpus.Directory(), Corpus.ProcessingFiles[0]);
        using var source = await Image.LoadAsync<Rgb24>(configuration, file);
        var target = new Size(1600, 1067);
        var twice = new Size(target.Width * 2, target.Height * 2);
        var variants = new (string Name, Action<IImageProcessingContext> Resize)[]
        {
            ("Bicubic (before)", x => x.Resize(Options(target, KnownResamplers.Bicubic, premultiply: true))),
            ("Bicubic, no premultiply", x => x.Resize(Options(target, KnownResamplers.Bicubic, premultiply: false))),
            ("Triangle", x => x.Resize(Options(target, KnownResamplers.Triangle, premultiply: false))),
            ("Box to 2× target, then Bicubic", x => x.Resize(Options(twice, KnownResamplers.Box, premultiply: false))
                .Resize(Options(target, KnownResamplers.Bicubic, premultiply: false))),
            ("Box to 2× target, then Triangle", x => x.Resize(Options(twice, KnownResamplers.Box, premultiply: false))
                .Resize(Options(target, KnownResamplers.Triangle, premultiply: false))),
        };
        var samples = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (var run = -1; run < runs; run++)
        {
            foreach (var (name, resize) in variants)
            {
                using var copy = source.Clone(configuration);
                var ms = await Stopwatches.TimeAsync(() =>
                {
                    copy.Mutate(resize);
                    return Task.CompletedTask;
                });
                if (run >= 0)
                {
                    samples[name].Add(ms);
                }
            }
        }

        report.WriteLine("### The resize step alone: 24 MP Rgb24 → 1600×1067, one thread, ms");
        report.WriteLine();
        var table = new MarkdownTable("resampler", "ms");
        foreach (var (name, _) in variants)
        {
            table.Add(name, Stats.Of(samples[name]).Format());
        }

        report.WriteLine(table);
    }

    private static ResizeOptions Options(Size size, IResampler sampler, bool premultiply) =>
        new() { Size = size, Mode = ResizeMode.Stretch, Sampler = sampler, PremultiplyAlpha = premultiply };
}
