namespace NormLab.Tests.Properties.Infrastructure;

/// <summary>The precision a property case runs in.</summary>
public enum Precision { Float32, Float64 }

/// <summary>
/// Floating-point error bounds the properties' tolerances are derived from (Higham, "Accuracy and Stability of Numerical
/// Algorithms", ch. 3-4: worst-case bounds, recursive summation γ_n ≈ n·u). Every tolerance in this suite is one of these
/// bounds evaluated on the case's own data — none is a constant picked to make a run pass.
/// </summary>
public static class ErrorModel
{
    /// <summary>Unit roundoff: 2⁻²⁴ for float32, 2⁻⁵³ for float64.</summary>
    public static double U(Precision p) => p == Precision.Float32 ? Math.Pow(2, -24) : Math.Pow(2, -53);

    /// <summary>
    /// Bound on the absolute error of one normalised value x̂ = (x − μ)/D, D = √(σ² + ε), computed in precision u from n
    /// values per channel whose largest magnitude is M (κ = M/D is the condition number of centring):
    /// <list type="bullet">
    /// <item>the computed mean is off by ≤ n·u·M (recursive summation), centring adds u·M: (n+2)·u·κ on x̂;</item>
    /// <item>the biased variance is off by ≤ 2σ(n+1)uM + (n+1)u·σ² + ((n+1)uM)², so D is off by a relative
    /// (n+1)·u·κ + (n+1)·u/2 + ((n+1)·u·κ)²/2, which multiplies |x̂| ≤ √n;</item>
    /// <item>the product and the reciprocal square root add 2u·|x̂|.</item>
    /// </list>
    /// </summary>
    public static double Normalised(double u, long n, double maxAbs, double d)
    {
        var kappa = maxAbs / d;
        var sq = Math.Sqrt(n);
        var relD = (n + 1) * u * kappa + (n + 1) * u / 2 + Math.Pow((n + 1) * u * kappa, 2) / 2;
        return (n + 2) * u * kappa + sq * (relD + 2 * u);
    }

    /// <summary>
    /// Bound on the absolute error of the computed biased variance of n values (largest magnitude M, true spread σ):
    /// centring error (n+1)uM enters each square as 2σ·(n+1)uM, summing and dividing add (n+1)u·σ², the squared
    /// centring error adds ((n+1)uM)².
    /// </summary>
    public static double Variance(double u, long n, double maxAbs, double sigma) =>
        2 * sigma * (n + 1) * u * maxAbs + (n + 1) * u * sigma * sigma + Math.Pow((n + 1) * u * maxAbs, 2);

    /// <summary>Bound on the computed mean of n values of largest magnitude M: n·u·M (recursive summation and the division).</summary>
    public static double Mean(double u, long n, double maxAbs) => (n + 1) * u * maxAbs;

    /// <summary>
    /// Bound on one element of ∂L/∂x = (γ/D)·[(g − ḡ) − x̂·mean(g·x̂)] with upstream gradient g (largest magnitude G):
    /// the bracket is off by ≤ n·u·G (ḡ) + √n·G·(e + n·u·√n) (mean(g·x̂) times |x̂| ≤ √n) + G·e (x̂ in the product),
    /// and the factor 1/D by the relative error of D (≤ e, see <see cref="Normalised"/>) times the bracket (≤ 2G + G·n).
    /// </summary>
    public static double InputGradient(double u, long n, double maxAbs, double d, double maxUpstream, double gamma)
    {
        var e = Normalised(u, n, maxAbs, d);
        var sq = Math.Sqrt(n);
        var bracket = n * u + sq * (e + n * u * sq) + e;
        return Math.Abs(gamma) / d * maxUpstream * (bracket + e * (2 + n) + 2 * u * (2 + n));
    }
}

/// <summary>Per-channel statistics computed in double from the exact values a case feeds (two-pass: accurate to ~u₆₄·κ).</summary>
public sealed record ChannelStats(long N, double[] Mean, double[] BiasedVar, double[] MaxAbs)
{
    public double UnbiasedVar(int c) => BiasedVar[c] * N / (N - 1);

    /// <summary>Statistics of an NCHW (or NC) array, per channel (axis 1).</summary>
    public static ChannelStats Of(double[] values, long[] shape)
    {
        var batch = shape[0];
        var channels = shape[1];
        var spatial = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        var n = batch * spatial;
        var mean = new double[channels];
        var var = new double[channels];
        var maxAbs = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (var v in Channel(values, batch, channels, spatial, c)) { sum += v; maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(v)); }
            mean[c] = n == 0 ? 0 : sum / n;
            double ss = 0;
            foreach (var v in Channel(values, batch, channels, spatial, c)) ss += (v - mean[c]) * (v - mean[c]);
            var[c] = n == 0 ? 0 : ss / n;
        }
        return new ChannelStats(n, mean, var, maxAbs);
    }

    /// <summary>The values of channel c of an NCHW array (flat index order).</summary>
    public static IEnumerable<double> Channel(double[] values, long batch, long channels, long spatial, int c)
    {
        for (long b = 0; b < batch; b++)
            for (long s = 0; s < spatial; s++)
                yield return values[(b * channels + c) * spatial + s];
    }
}

/// <summary>Tensor ↔ double[] for the properties (data is generated and checked in C#; tensors only carry it through).</summary>
public static class TensorData
{
    public static Tensor From(double[] values, long[] shape, Precision p) =>
        p == Precision.Float64
            ? torch.tensor(values, shape)
            : torch.tensor(values.Select(v => (float)v).ToArray(), shape);

    public static double[] Doubles(Tensor t)
    {
        using var c = t.contiguous();
        return c.dtype switch
        {
            ScalarType.Float64 => c.data<double>().ToArray(),
            ScalarType.Float32 => c.data<float>().ToArray().Select(v => (double)v).ToArray(),
            _ => throw new ArgumentException($"unexpected dtype {c.dtype}"),
        };
    }

    /// <summary>Rounds to what the tensor will hold (float32 rounding), so checks compare against the values actually fed.</summary>
    public static double[] Rounded(double[] values, Precision p) =>
        p == Precision.Float64 ? values : values.Select(v => (double)(float)v).ToArray();
}
