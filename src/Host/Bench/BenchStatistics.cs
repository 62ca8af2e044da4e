namespace NormLab.Host.Bench;

/// <summary>Median, minimum and maximum of one side's timed repetitions (warm-up excluded).</summary>
public sealed record Timing(IReadOnlyList<double> Seconds)
{
    public double Median
    {
        get
        {
            if (Seconds.Count == 0) return double.NaN;
            var s = Seconds.Order().ToArray();
            var mid = s.Length / 2;
            return s.Length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
        }
    }

    public double Min => Seconds.Count == 0 ? double.NaN : Seconds.Min();
    public double Max => Seconds.Count == 0 ? double.NaN : Seconds.Max();
}

/// <summary>
/// One workload measured on both sides. <paramref name="Units"/> is what one repetition does: optimizer steps (training)
/// or images (inference); <paramref name="Images"/> the images one repetition pushes through the network.
/// </summary>
public sealed record WorkloadResult(
    BenchWorkload Workload,
    long Units,
    long Images,
    Timing NormLab,
    Timing PyTorch,
    double? NormLabPeakRssMb,
    double? PyTorchPeakRssMb,
    double? GflopsNormLab,
    double? GflopsPyTorch)
{
    /// <summary>NormLab / PyTorch median time (lower is better). For inference both sides process the same images, so
    /// this is also the ratio of time per image.</summary>
    public double Ratio => NormLab.Median / PyTorch.Median;
}

/// <summary>RSS of the NormLab process after each epoch of a longer run: flat means no native leak.</summary>
public sealed record RssCheck(string Workload, int Epochs, long StepsPerEpoch, IReadOnlyList<double> RssMb)
{
    /// <summary>RSS after the last epoch minus after the first.</summary>
    public double GrowthMb => RssMb.Count < 2 ? 0 : RssMb[^1] - RssMb[0];
}
