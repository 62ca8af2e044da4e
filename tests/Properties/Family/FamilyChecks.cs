using System.Globalization;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.Family;

/// <summary>Shared pieces of the normalization-family properties: comparisons, group statistics, printing.</summary>
public static class FamilyChecks
{
    public static void Near(double actual, double expected, double tol, string what)
    {
        if (!(Math.Abs(actual - expected) <= tol))
            throw new PropertyViolation($"{what}: got {actual:G9}, expected {expected:G9} ± {tol:G3} (off by {Math.Abs(actual - expected):G3})");
    }

    public static void Same(double actual, double expected, string what)
    {
        if (BitConverter.DoubleToInt64Bits(actual) != BitConverter.DoubleToInt64Bits(expected))
            throw new PropertyViolation($"{what}: got {actual:R}, expected exactly {expected:R}");
    }

    public static string Show(IEnumerable<double> a) => "[" + string.Join(", ", a.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))) + "]";

    /// <summary>
    /// Mean, biased variance and largest magnitude of each (sample, group) of an NCHW (or NC) array whose C channels fall
    /// into <paramref name="groups"/> consecutive groups; index [sample·groups + group]. Two-pass, in double.
    /// </summary>
    public static (double[] Mean, double[] Var, double[] MaxAbs, long N) GroupStats(double[] x, long[] shape, int groups)
    {
        var (batch, channels) = (shape[0], shape[1]);
        var spatial = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        var per = channels / groups * spatial;
        var count = (int)(batch * groups);
        var mean = new double[count];
        var var = new double[count];
        var max = new double[count];
        for (var k = 0; k < count; k++)
        {
            var start = k * per;
            double s = 0;
            for (long i = 0; i < per; i++) { s += x[start + i]; max[k] = Math.Max(max[k], Math.Abs(x[start + i])); }
            mean[k] = s / per;
            double ss = 0;
            for (long i = 0; i < per; i++) ss += (x[start + i] - mean[k]) * (x[start + i] - mean[k]);
            var[k] = ss / per;
        }
        return (mean, var, max, per);
    }

    /// <summary>Float32 tensor of values with a shape.</summary>
    public static Tensor F32(double[] values, long[] shape) => TensorData.From(values, shape, Precision.Float32);

    public static void SetVector(Tensor target, double[] values)
    {
        using var _ = torch.no_grad();
        using var t = torch.tensor(values.Select(v => (float)v).ToArray(), [values.Length]);
        target.copy_(t);
    }
}

/// <summary>One generated input for a per-sample normalization: shape (N, C[, H, W]), per-channel offset and scale, z values.</summary>
public sealed record NormCase(int N, int C, int H, int W, double[] Offsets, double[] Scales, double[] Z, double[] Gamma, double[] Beta)
{
    public long[] Shape => H == 0 ? [N, C] : [N, C, H, W];
    public int SampleRank => H == 0 ? 1 : 3;
    public long Spatial => H == 0 ? 1 : (long)H * W;
    public int ChannelOf(long i) => (int)(i / Spatial % C);

    /// <summary>The values as float32 holds them.</summary>
    public double[] Values() => TensorData.Rounded(Z.Select((z, i) => Offsets[ChannelOf(i)] + Scales[ChannelOf(i)] * z).ToArray(), Precision.Float32);

    public override string ToString() =>
        $"{{shape [{string.Join(", ", Shape)}] offsets {FamilyChecks.Show(Offsets)} scales {FamilyChecks.Show(Scales)} γ {FamilyChecks.Show(Gamma)} β {FamilyChecks.Show(Beta)} z {FamilyChecks.Show(Z)}}}";

    static readonly Gen<double> ZValue = Gen.Choose(-2000, 2000).Select(i => i / 1000.0);

    /// <summary>Cases with C channels in 1..6, spatial 1..4 × 1..4 (or none when <paramref name="allowFlat"/>); float32
    /// conditioning |offset|/scale ≤ 100 as in the BN suite; γ = ±10^[−1, 1], β in [−10, 10].</summary>
    public static Arbitrary<NormCase> Cases(bool allowFlat, int minSpatial = 1) => Arb.From(
        from spatial in allowFlat ? Gen.Elements(false, true) : Gen.Constant(true)
        from n in Gen.Choose(1, 4)
        from c in Gen.Choose(1, 6)
        from h in spatial ? Gen.Choose(1, 4) : Gen.Constant(0)
        from w in spatial ? Gen.Choose(h < minSpatial ? 2 : 1, 4) : Gen.Constant(0)
        from channels in BatchNorm.BnGen.Channel(Precision.Float32, 100).ArrayOf(c)
        from z in ZValue.ArrayOf(n * c * (spatial ? h * w : 1))
        from gamma in (from sign in Gen.Elements(-1.0, 1.0) from e in Gen.Choose(-1000, 1000) select sign * Math.Pow(10, e / 1000.0)).ArrayOf(c)
        from beta in Gen.Choose(-1000, 1000).Select(i => i / 100.0).ArrayOf(c)
        select new NormCase(n, c, h, w, channels.Select(t => t.Offset).ToArray(), channels.Select(t => t.Scale).ToArray(), z,
            gamma.Select(g => (double)(float)g).ToArray(), beta.Select(b => (double)(float)b).ToArray()));
}
