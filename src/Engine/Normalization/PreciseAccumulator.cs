namespace NormLab.Engine.Normalization;

/// <summary>
/// The exact per-channel mean and biased variance of every value fed, batch by batch, in float64: each batch's mean
/// and biased variance are merged into the running totals with Chan, Golub &amp; LeVeque's pairwise formula
/// (M2 ← M2 + M2_b + δ²·n_a·n_b/(n_a + n_b)), so batches of different sizes weigh by their values and no E[x²] − μ²
/// cancellation occurs. Precise BN's population statistics (Wu &amp; Johnson 2021).
/// </summary>
internal sealed class PreciseAccumulator : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor m2;

    internal PreciseAccumulator(long channels, Device device)
    {
        mean = torch.zeros(channels, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        m2 = torch.zeros(channels, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
    }

    /// <summary>Values per channel seen so far.</summary>
    internal long Count { get; private set; }

    internal void Add(Tensor x, long[] reduceDims, long n)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (v, m) = torch.var_mean(x.to_type(ScalarType.Float64), reduceDims, unbiased: false);
        var total = Count + n;
        var delta = m - mean;
        mean.add_(delta, (double)n / total);
        m2.add_(v * n).add_(delta * delta, (double)Count * n / total);
        Count = total;
    }

    /// <summary>(mean, biased variance) as new float64 tensors the caller owns.</summary>
    internal (Tensor Mean, Tensor BiasedVar) Result() =>
        (mean.clone().DetachFromDisposeScope(), (m2 / Count).DetachFromDisposeScope());

    public void Dispose()
    {
        mean.Dispose();
        m2.Dispose();
    }
}
