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

/// <summary>Milliseconds per training step by phase (the <c>phases</c> command): data, forward, backward, optimizer, and
/// the whole step; <see cref="Other"/> is what falls outside the four (metric reads, scope disposal).</summary>
public sealed record PhaseBreakdown(double Data, double Forward, double Backward, double Optimizer, double Total)
{
    public double Other => Total - Data - Forward - Backward - Optimizer;
}

/// <summary>One side's figures for one workload: the timed repetitions, its worker's peak RSS, GFLOP/s where counted,
/// and the phase breakdown where <c>--profile</c> asked for it.</summary>
public sealed record SideResult(Timing Time, double? PeakRssMb, double? Gflops = null, PhaseBreakdown? Phases = null);

/// <summary>
/// One workload measured on the three sides. <paramref name="Units"/> is what one repetition does: optimizer steps (training)
/// or images (inference); <paramref name="Images"/> the images one repetition pushes through the network.
/// </summary>
public sealed record WorkloadResult(
    BenchWorkload Workload,
    long Units,
    long Images,
    SideResult NormLab,
    SideResult TorchSharp,
    SideResult PyTorch)
{
    /// <summary>NormLab / plain TorchSharp median time (lower is better): the same libtorch, so this is NormLab's own cost.</summary>
    public double RatioTorchSharp => NormLab.Time.Median / TorchSharp.Time.Median;

    /// <summary>NormLab / PyTorch median time. For inference all sides process the same images, so the ratios are also
    /// ratios of time per image.</summary>
    public double RatioPyTorch => NormLab.Time.Median / PyTorch.Time.Median;
}

/// <summary>RSS of the NormLab process after each epoch of a longer run: flat means no native leak.</summary>
public sealed record RssCheck(string Workload, int Epochs, long StepsPerEpoch, IReadOnlyList<double> RssMb)
{
    /// <summary>RSS after the last epoch minus after the first.</summary>
    public double GrowthMb => RssMb.Count < 2 ? 0 : RssMb[^1] - RssMb[0];
}
