using NormLab.Engine.Normalization;
using NormLab.Tests.Properties.BatchNorm;
using NormLab.Tests.Properties.Infrastructure;
using static NormLab.Tests.Properties.Family.FamilyChecks;
using static NormLab.Tests.Properties.Infrastructure.ErrorModel;

namespace NormLab.Tests.Properties.Family;

/// <summary>What the noise properties need of a noise layer.</summary>
public interface INoiseUnderTest : IDisposable
{
    void Train();
    void Eval();
    Tensor Forward(Tensor x);
}

public delegate INoiseUnderTest NoiseFactory(Noise spec, long channels, int sampleRank);

public sealed class RealNoise(NoiseLayer layer) : INoiseUnderTest
{
    public static readonly NoiseFactory Factory = (spec, channels, rank) => new RealNoise(new NoiseLayer(spec, channels, rank, "noise_under_test"));
    public void Train() => layer.train();
    public void Eval() => layer.eval();
    public Tensor Forward(Tensor x) => layer.forward(x);
    public void Dispose() => layer.Dispose();
}

public enum NoiseMutation
{
    None,
    /// <summary>Eval applies the last drawn shift and scale.</summary>
    AppliedInEval,
    /// <summary>The scale is drawn as scaleStd·z, not 1 + scaleStd·z (zero spread zeroes the output).</summary>
    ScaleWithoutOne,
}

/// <summary>A noise layer written from Santurkar et al.'s description, one mutation switched in.</summary>
public sealed class MutantNoise(Noise spec, long channels, int rank, NoiseMutation mutation) : INoiseUnderTest
{
    public static NoiseFactory Factory(NoiseMutation m) => (spec, channels, rank) => new MutantNoise(spec, channels, rank, m);

    private readonly long[] broadcast = rank == 1 ? [1, channels] : [1, channels, 1, 1];
    private Tensor? scale, shift;
    private long forwards;
    private bool training = true;

    public void Train() => training = true;
    public void Eval() => training = false;

    public Tensor Forward(Tensor x)
    {
        if (!training) return mutation == NoiseMutation.AppliedInEval && scale is not null ? x * scale + shift! : x.alias();
        if (forwards++ % spec.Every == 0)
        {
            scale = (torch.randn(broadcast) * spec.ScaleStd + (mutation == NoiseMutation.ScaleWithoutOne ? 0 : 1)).DetachFromDisposeScope();
            shift = (torch.randn(broadcast) * spec.MeanStd).DetachFromDisposeScope();
        }
        return x * scale! + shift!;
    }

    public void Dispose() { scale?.Dispose(); shift?.Dispose(); }
}

/// <summary>Re-estimates a BN layer's running statistics from batches (precise BN) and returns them.</summary>
public delegate BnState PreciseEstimator(NormLab.Core.Networks.BatchNorm spec, long channels, int sampleRank, IReadOnlyList<Tensor> batches);

public enum PreciseMutation
{
    None,
    /// <summary>fvcore-style: the running variance is the mean of the batches' unbiased variances (misses the spread of the batch means).</summary>
    AveragesBatchVariances,
    /// <summary>Every batch weighs the same, the short last one included.</summary>
    UnweightedBatches,
}

/// <summary>One precise-BN scenario: B rows split into batches of b (the last may be shorter, never a single value per channel).</summary>
public sealed record PreciseCase(NormLab.Core.Networks.BatchNorm Spec, int Rows, int BatchSize, int C, int H, int W, double[] Offsets, double[] Scales, double[] Z)
{
    public long Spatial => H == 0 ? 1 : (long)H * W;
    public int SampleRank => H == 0 ? 1 : 3;
    public long[] ShapeOf(int rows) => H == 0 ? [rows, C] : [rows, C, H, W];
    public int ChannelOf(long i) => (int)(i / Spatial % C);
    public double[] Values() => TensorData.Rounded(Z.Select((z, i) => Offsets[ChannelOf(i)] + Scales[ChannelOf(i)] * z).ToArray(), Precision.Float32);

    public IReadOnlyList<int> BatchRows =>
        Enumerable.Range(0, (Rows + BatchSize - 1) / BatchSize).Select(b => Math.Min(BatchSize, Rows - b * BatchSize)).ToList();

    public override string ToString() =>
        $"{{{Spec.Convention}/{Spec.Implementation} rows {Rows} in batches of {BatchSize} shape [{string.Join(", ", ShapeOf(Rows))}] offsets {Show(Offsets)} scales {Show(Scales)} z {Show(Z)}}}";

    public static Arbitrary<PreciseCase> Cases() => Arb.From(
        from spec in BnGen.Specs(new BnGenOptions())
        from b in Gen.Choose(2, 5)
        from q in Gen.Choose(1, 4)
        from r in Gen.Elements(new[] { 0 }.Concat(Enumerable.Range(2, Math.Max(0, b - 2))).ToArray())
        from spatial in Gen.Elements(false, true)
        from c in Gen.Choose(1, 3)
        from h in spatial ? Gen.Choose(1, 3) : Gen.Constant(0)
        from w in spatial ? Gen.Choose(1, 3) : Gen.Constant(0)
        from channels in BnGen.Channel(Precision.Float32, 100).ArrayOf(c)
        let rows = q * b + r
        from z in Gen.Choose(-2000, 2000).Select(i => i / 1000.0).ArrayOf(rows * c * (spatial ? h * w : 1))
        select new PreciseCase(spec, rows, b, c, h, w, channels.Select(t => t.Offset).ToArray(), channels.Select(t => t.Scale).ToArray(), z));
}

public static class PreciseBnEstimators
{
    /// <summary>
    /// NormLab's: a real BatchNormLayer that has trained on one batch (so its statistics are not the initial ones) runs the
    /// precise pass in eval mode — BeginPreciseStatistics, a forward per batch, EndPreciseStatistics — as PreciseBn does.
    /// It also checks that the pass leaves num_batches_tracked alone.
    /// </summary>
    public static readonly PreciseEstimator Real = (spec, channels, rank, batches) =>
    {
        using var layer = new BatchNormLayer(spec, channels, rank, "bn_under_test");
        using (torch.no_grad()) layer.forward(batches[0]).Dispose();
        var tracked = layer.num_batches_tracked;
        layer.eval();
        layer.BeginPreciseStatistics();
        using (torch.no_grad()) foreach (var b in batches) layer.forward(b).Dispose();
        layer.EndPreciseStatistics();
        if (layer.num_batches_tracked != tracked)
            throw new PropertyViolation($"num_batches_tracked moved from {tracked} to {layer.num_batches_tracked} during the precise pass");
        return new RealBn(layer).State!;
    };

    /// <summary>A precise-BN estimator in C# over the batches' per-batch moments, with one mutation switched in.</summary>
    public static PreciseEstimator Mutant(PreciseMutation m) => (spec, channels, rank, batches) =>
    {
        var stats = batches.Select(b => ChannelStats.Of(TensorData.Doubles(b), b.shape)).ToList();
        var total = stats.Sum(s => (double)s.N);
        var mean = new double[channels];
        var var = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            double W(ChannelStats s) => m == PreciseMutation.UnweightedBatches ? 1.0 / stats.Count : s.N / total;
            mean[c] = stats.Sum(s => W(s) * s.Mean[c]);
            var biased = m == PreciseMutation.AveragesBatchVariances
                ? stats.Sum(s => W(s) * s.UnbiasedVar(c))
                : stats.Sum(s => W(s) * (s.BiasedVar[c] + (s.Mean[c] - mean[c]) * (s.Mean[c] - mean[c])));
            var[c] = m == PreciseMutation.AveragesBatchVariances || spec.Convention == BnConvention.Keras ? biased : biased * total / (total - 1);
        }
        return new BnState(mean, var, 1);
    };
}

/// <summary>
/// N1 (noisy BN) and P1 (precise BN). N1 checks exact identities (bit for bit): the noise is y = s·x + m, and s = 1,
/// m = 0 are exact in floating point. P1's reference is computed in double from the float32 values fed; the estimator
/// accumulates in float64 and stores float32, so the tolerance is the float32 rounding of the stored values (u·|value|)
/// plus the float64 accumulation (≪ u, bounded by n·u₆₄·M).
/// </summary>
public static class NoiseAndPreciseProperties
{
    public sealed record NoiseCase(NormCase Input, double MeanStd, double ScaleStd, int Every, int Forwards, ulong Seed)
    {
        public override string ToString() => $"{{meanStd {MeanStd} scaleStd {ScaleStd} every {Every} forwards {Forwards} seed {Seed} {Input}}}";
    }

    static readonly Arbitrary<NoiseCase> NoiseCases = Arb.From(
        from input in NormCase.Cases(allowFlat: true).Generator
        from meanStd in Gen.Choose(1, 300).Select(i => i / 100.0)
        from scaleStd in Gen.Choose(1, 300).Select(i => i / 100.0)
        from every in Gen.Choose(1, 3)
        from forwards in Gen.Choose(1, 4)
        from seed in Gen.Choose(0, 100000)
        select new NoiseCase(input, meanStd, scaleStd, every, forwards, (ulong)seed));

    public static PropertyDef<NoiseCase> N1_ZeroSpreadIsIdentityAndEvalNeverNoisy(NoiseFactory make, int maxTest = 200) => new(
        "N1 noise with zero spread is the identity in training; in eval noise is never applied",
        NoiseCases,
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var i = c.Input;
            var x = i.Values();
            torch.manual_seed((long)c.Seed);
            using (var silent = make(new Noise(0, 0, c.Every), i.C, i.SampleRank))
                for (var k = 0; k < c.Forwards; k++)
                {
                    var y = TensorData.Doubles(silent.Forward(F32(x, i.Shape)));
                    for (var j = 0; j < y.Length; j++) Same(y[j], x[j], $"training forward {k}, zero spread: y[{j}]");
                }
            using var noisy = make(new Noise(c.MeanStd, c.ScaleStd, c.Every), i.C, i.SampleRank);
            for (var k = 0; k < c.Forwards; k++) noisy.Forward(F32(x, i.Shape));
            noisy.Eval();
            for (var k = 0; k < 2; k++)
            {
                var y = TensorData.Doubles(noisy.Forward(F32(x, i.Shape)));
                for (var j = 0; j < y.Length; j++) Same(y[j], x[j], $"eval forward {k} after {c.Forwards} noisy training forwards: y[{j}]");
            }
        },
        maxTest);

    public static PropertyDef<PreciseCase> P1_PreciseOverEveryBatchIsPopulation(PreciseEstimator estimate, int maxTest = 150) => new(
        "PB1 precise BN over every training batch equals the population mean and variance (as the convention stores it)",
        PreciseCase.Cases(),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var x = c.Values();
            var rowLength = (int)(c.C * c.Spatial);
            var batches = new List<Tensor>();
            var from = 0;
            foreach (var rows in c.BatchRows)
            {
                batches.Add(F32(x.Skip(from * rowLength).Take(rows * rowLength).ToArray(), c.ShapeOf(rows)));
                from += rows;
            }
            var state = estimate(c.Spec, c.C, c.SampleRank, batches);
            var population = ChannelStats.Of(x, c.ShapeOf(c.Rows));
            var u64 = U(Precision.Float64);
            var u32 = U(Precision.Float32);
            for (var ch = 0; ch < c.C; ch++)
            {
                var m = population.MaxAbs[ch];
                var n = population.N;
                var stored = c.Spec.Convention == BnConvention.Keras ? population.BiasedVar[ch] : population.UnbiasedVar(ch);
                Near(state.Mean[ch], population.Mean[ch], u32 * Math.Abs(population.Mean[ch]) + 4 * n * u64 * m, $"running mean[{ch}]");
                Near(state.Var[ch], stored, u32 * stored + 8 * n * u64 * m * m, $"running var[{ch}]");
            }
        },
        maxTest);
}
