using System.Globalization;

namespace NormLab.Host.Bench;

/// <summary>
/// The line scripts grep: <c>ratio WORKLOAD SIDE VALUE</c>, NormLab's time / the reference side's (for inference, time per
/// image), SIDE <see cref="TorchSharp"/> or <see cref="PyTorch"/>, three decimals, invariant culture, e.g.
/// <c>ratio lenet5-bn torchsharp 0.994</c>.
/// </summary>
public static class RatioLine
{
    public const string TorchSharp = "torchsharp";
    public const string PyTorch = "pytorch";

    public static string Format(string workload, string side, double ratio) =>
        string.Create(CultureInfo.InvariantCulture, $"ratio {workload} {side} {ratio:0.000}");

    /// <summary>Both lines of a workload: plain TorchSharp first, then PyTorch.</summary>
    public static IEnumerable<string> For(WorkloadResult r) =>
        [Format(r.Workload.Name, TorchSharp, r.RatioTorchSharp), Format(r.Workload.Name, PyTorch, r.RatioPyTorch)];

    /// <summary>Parses a line written by <see cref="Format"/>; null for any other line.</summary>
    public static (string Workload, string Side, double Ratio)? Parse(string line)
    {
        var parts = line.Trim().Split(' ');
        if (parts.Length != 4 || parts[0] != "ratio" || parts[2] is not (TorchSharp or PyTorch)) return null;
        return double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (parts[1], parts[2], v) : null;
    }
}
