using System.Globalization;

namespace ImagePipeline.Bench.Measurement;

/// <summary>Median, minimum and maximum of a set of samples (milliseconds or any other unit).</summary>
public sealed record Stats(double Median, double Min, double Max, int Count)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), nearest rank.</summary>
    public static double Quantile(IReadOnlyCollection<double> samples, double q)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>"median (min–max)" with <paramref name="decimals"/> decimals.</summary>
    public string Format(int decimals = 0)
    {
        var f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        return $"{Median.ToString(f, CultureInfo.InvariantCulture)} ({Min.ToString(f, CultureInfo.InvariantCulture)}–{Max.ToString(f, CultureInfo.InvariantCulture)})";
    }
}
