using System.Globalization;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>
/// One generated BN scenario: the layer's spec, the precision, a shape (N, C) or (N, C, H, W) and one or more batches of
/// that shape. Channel c of batch k holds Offsets[c] + Scales[c]·Z[k][i]: Z are plain numbers in [−2, 2] (shrinking
/// works on them and on the shape), scale and offset give each channel its own magnitude and conditioning.
/// H = W = 0 means a rank-2 (N, C) batch.
/// </summary>
public sealed record BnCase(
    NormLab.Core.Networks.BatchNorm Spec,
    Precision Precision,
    int N, int C, int H, int W,
    double[] Offsets, double[] Scales,
    double[][] Z)
{
    public int SampleRank => H == 0 ? 1 : 3;
    public long[] Shape => H == 0 ? [N, C] : [N, C, H, W];
    public long Spatial => H == 0 ? 1 : (long)H * W;
    public long Count => N * C * Spatial;
    /// <summary>Values per channel in one batch.</summary>
    public long PerChannel => N * Spatial;
    public int Batches => Z.Length;

    /// <summary>Batch k as the values the tensor holds (rounded to the precision).</summary>
    public double[] Values(int k = 0) => TensorData.Rounded(Raw(k), Precision);

    /// <summary>Batch k before rounding: offset + scale·z per channel.</summary>
    public double[] Raw(int k = 0)
    {
        var v = new double[Count];
        for (var i = 0; i < v.Length; i++) v[i] = Offsets[ChannelOf(i)] + Scales[ChannelOf(i)] * Z[k][i];
        return v;
    }

    public int ChannelOf(long flatIndex) => (int)(flatIndex / Spatial % C);

    public Tensor Tensor(int k = 0) => TensorData.From(Values(k), Shape, Precision);

    public override string ToString()
    {
        var ic = CultureInfo.InvariantCulture;
        string F(double d) => d.ToString("G4", ic);
        var spec = $"{Spec.Convention}/{Spec.Implementation}" +
                   (Spec.Momentum is double m ? $" momentum={F(m)}" : "") +
                   (Spec.Epsilon is double e ? $" eps={F(e)}" : "") +
                   (Spec.Convention == BnConvention.Window ? $" window={Spec.Window}" : "") +
                   (Spec.Affine ? "" : " affine=false") + (Spec.TrackRunningStats ? "" : " track=false");
        var batches = string.Join(" ", Z.Select((z, k) => $"z{k}=[{string.Join(", ", z.Select(F))}]"));
        return $"{{{spec} {Precision} shape [{string.Join(", ", Shape)}] offsets [{string.Join(", ", Offsets.Select(F))}] " +
               $"scales [{string.Join(", ", Scales.Select(F))}] {batches}}}";
    }
}

/// <summary>Generation options for <see cref="BnGen.Cases"/>.</summary>
public sealed record BnGenOptions
{
    public Precision[] Precisions { get; init; } = [Precision.Float32];
    public BnConvention[] Conventions { get; init; } = [BnConvention.Torch, BnConvention.Keras, BnConvention.Cumulative, BnConvention.Window];
    public int MinBatches { get; init; } = 1;
    public int MaxBatches { get; init; } = 1;
    /// <summary>
    /// Largest |offset|/scale in float32 cases. Float32 centring loses log10(|offset|/spread) of its ~7 digits, and the
    /// worst-case bound of <see cref="ErrorModel.Normalised"/> at n = 128 reaches 1e-2 near κ ≈ 100: beyond that a float32
    /// property could no longer tell a correct BN from a broken one. Float64 cases take the full range (offset ±1e3 with
    /// spread 1e-3), which is where the ε term and cancellation are exercised.
    /// </summary>
    public double MaxFloat32Condition { get; init; } = 100;
    /// <summary>Generate an explicit momentum (torch/keras) in [0.05, 0.95] always instead of sometimes.</summary>
    public bool ExplicitMomentum { get; init; }
}

/// <summary>Seeded, shrinking generators of BN cases (FsCheck draws everything from its seeded Rnd).</summary>
public static class BnGen
{
    static readonly Gen<double> ZValue = Gen.Choose(-2000, 2000).Select(i => i / 1000.0);

    /// <summary>10^e for e uniform in [lo, hi] (thousandths).</summary>
    static Gen<double> LogUniform(double lo, double hi) =>
        Gen.Choose((int)(lo * 1000), (int)(hi * 1000)).Select(e => Math.Pow(10, e / 1000.0));

    public static Gen<NormLab.Core.Networks.BatchNorm> Specs(BnGenOptions o) =>
        from convention in Gen.Elements(o.Conventions)
        from impl in Gen.Elements(BnImplementation.Native, BnImplementation.Scratch)
        from eps in Gen.Frequency((5, Gen.Constant<double?>(null)), (1, Gen.Elements<double?>(1e-1, 1e-3, 1e-7)))
        from m in o.ExplicitMomentum
            ? Gen.Choose(5, 95).Select(i => (double?)(i / 100.0))
            : Gen.Frequency((2, Gen.Constant<double?>(null)), (1, Gen.Choose(5, 95).Select(i => (double?)(i / 100.0))))
        from window in Gen.Choose(1, 6)
        select new NormLab.Core.Networks.BatchNorm(convention,
            Momentum: convention is BnConvention.Torch or BnConvention.Keras ? m : null,
            Epsilon: eps, Implementation: impl, Window: window);

    /// <summary>A channel's (offset, scale): scale 1e-3..1e3; offset 0, ±1e-3..1e3 or exactly ±1e3 (clamped to κ in float32).</summary>
    public static Gen<(double Offset, double Scale)> Channel(Precision p, double maxCondition) =>
        from scale in LogUniform(-3, 3)
        from magnitude in Gen.Frequency((1, Gen.Constant(0.0)), (3, LogUniform(-3, 3)), (1, Gen.Constant(1e3)))
        from negative in Gen.Elements(false, true)
        let offset = p == Precision.Float32 ? Math.Min(magnitude, maxCondition * scale) : magnitude
        select (negative && offset != 0 ? -offset : offset, scale);

    public static Gen<BnCase> CaseGen(BnGenOptions o) =>
        from spec in Specs(o)
        from precision in Gen.Elements(o.Precisions)
        from spatial in Gen.Elements(false, true)
        from n in Gen.Choose(2, 8)
        from c in Gen.Choose(1, 4)
        from h in spatial ? Gen.Choose(1, 4) : Gen.Constant(0)
        from w in spatial ? Gen.Choose(1, 4) : Gen.Constant(0)
        from channels in Channel(precision, o.MaxFloat32Condition).ArrayOf(c)
        from batches in Gen.Choose(o.MinBatches, o.MaxBatches)
        let count = n * c * (spatial ? h * w : 1)
        from z in ZValue.ArrayOf(count).ArrayOf(batches)
        select new BnCase(spec, precision, n, c, h, w, channels.Select(t => t.Offset).ToArray(), channels.Select(t => t.Scale).ToArray(), z);

    /// <summary>Cases with shrinking towards the simplest spec, the smallest shape, zero offsets, unit scales, integer z.</summary>
    public static Arbitrary<BnCase> Cases(BnGenOptions o) => Arb.From(CaseGen(o), c => Shrink(c, o));

    /// <summary>A case plus an extra value (γ/β, a permutation key, an op list …); the extra shrinks with its own shrinker.</summary>
    public static Arbitrary<WithExtra<T>> Cases<T>(BnGenOptions o, Gen<T> extra, Func<T, IEnumerable<T>>? shrinkExtra = null) =>
        Arb.From(
            from c in CaseGen(o) from e in extra select new WithExtra<T>(c, e),
            w => Shrink(w.Case, o).Select(c => w with { Case = c })
                .Concat((shrinkExtra?.Invoke(w.Extra) ?? []).Select(e => w with { Extra = e })));

    public static IEnumerable<BnCase> Shrink(BnCase c, BnGenOptions o)
    {
        var s = c.Spec;
        if (s.Convention != o.Conventions[0]) yield return c with { Spec = s with { Convention = o.Conventions[0], Momentum = o.Conventions[0] is BnConvention.Torch or BnConvention.Keras ? s.Momentum : null } };
        if (s.Implementation != BnImplementation.Native) yield return c with { Spec = s with { Implementation = BnImplementation.Native } };
        if (s.Epsilon is not null) yield return c with { Spec = s with { Epsilon = null } };
        if (s.Momentum is not null && !o.ExplicitMomentum) yield return c with { Spec = s with { Momentum = null } };
        if (c.Batches > o.MinBatches) yield return c with { Z = c.Z[..^1] };
        if (c.N > 2) yield return Resize(c, c.N - 1, c.C, c.H, c.W);
        if (c.C > 1) yield return Resize(c, c.N, c.C - 1, c.H, c.W);
        if (c.H > 1) yield return Resize(c, c.N, c.C, c.H - 1, c.W);
        if (c.W > 1) yield return Resize(c, c.N, c.C, c.H, c.W - 1);
        if (c.H == 1 && c.W == 1) yield return c with { H = 0, W = 0 };
        for (var ch = 0; ch < c.C; ch++)
        {
            if (c.Offsets[ch] != 0) yield return c with { Offsets = With(c.Offsets, ch, 0) };
            if (c.Scales[ch] != 1 && (c.Precision == Precision.Float64 || Math.Abs(c.Offsets[ch]) <= o.MaxFloat32Condition))
                yield return c with { Scales = With(c.Scales, ch, 1) };
        }
        if (c.Z.Any(z => z.Any(v => v != Math.Round(v)))) yield return c with { Z = c.Z.Select(z => z.Select(v => Math.Round(v)).ToArray()).ToArray() };
    }

    static double[] With(double[] a, int i, double v)
    {
        var b = (double[])a.Clone();
        b[i] = v;
        return b;
    }

    /// <summary>Keeps the leading block of every axis (the first n rows, c channels, h×w pixels).</summary>
    static BnCase Resize(BnCase c, int n, int ch, int h, int w)
    {
        int oldS = c.H == 0 ? 1 : c.H * c.W, newS = h == 0 ? 1 : h * w;
        var z = c.Z.Select(batch =>
        {
            var r = new double[n * ch * newS];
            for (var b = 0; b < n; b++)
                for (var k = 0; k < ch; k++)
                    for (var s = 0; s < newS; s++)
                    {
                        var (y, x) = h == 0 ? (0, 0) : (s / w, s % w);
                        var old = c.H == 0 ? 0 : y * c.W + x;
                        r[(b * ch + k) * newS + s] = batch[(b * c.C + k) * oldS + old];
                    }
            return r;
        }).ToArray();
        return c with { N = n, C = ch, H = h, W = w, Offsets = c.Offsets[..ch], Scales = c.Scales[..ch], Z = z };
    }
}

/// <summary>A BN case with an extra generated value.</summary>
public sealed record WithExtra<T>(BnCase Case, T Extra)
{
    public override string ToString() => $"{Case} extra {Show(Extra)}";

    static string Show(object? o) => o switch
    {
        double[] d => "[" + string.Join(", ", d.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))) + "]",
        int[] i => "[" + string.Join(", ", i) + "]",
        bool[] b => "[" + string.Join(", ", b) + "]",
        _ => o?.ToString() ?? "null",
    };
}
