using System.Globalization;

namespace NormLab.Core;

/// <summary>
/// A mean with the sample standard deviation of Count values — how reports state a metric over seeds:
/// <c>0.8732 ± 0.0021</c>.
/// </summary>
public sealed record MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        var list = values.ToArray();
        return new MeanStd(Statistics.Mean(list), Statistics.SampleStd(list), list.Length);
    }

    /// <summary><c>0.8732 ± 0.0021</c>: four decimals, invariant culture.</summary>
    public override string ToString() => ToString("0.0000");

    /// <summary>Mean and std each in the numeric <paramref name="format"/> (e.g. <c>"0.00"</c>, <c>"P1"</c>), joined by " ± ".</summary>
    public string ToString(string format) =>
        $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Std.ToString(format, CultureInfo.InvariantCulture)}";
}
