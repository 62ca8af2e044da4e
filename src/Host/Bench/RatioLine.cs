using System.Globalization;

namespace NormLab.Host.Bench;

/// <summary>
/// The line scripts grep: <c>ratio WORKLOAD VALUE</c>, NormLab / PyTorch time (for inference, time per image), three
/// decimals, invariant culture, e.g. <c>ratio lenet5-bn 0.812</c>.
/// </summary>
public static class RatioLine
{
    public static string Format(string workload, double ratio) =>
        string.Create(CultureInfo.InvariantCulture, $"ratio {workload} {ratio:0.000}");

    /// <summary>Parses a line written by <see cref="Format"/>; null for any other line.</summary>
    public static (string Workload, double Ratio)? Parse(string line)
    {
        var parts = line.Trim().Split(' ');
        if (parts.Length != 3 || parts[0] != "ratio") return null;
        return double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (parts[1], v) : null;
    }
}
