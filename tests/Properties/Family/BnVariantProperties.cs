using NormLab.Tests.Properties.BatchNorm;
using NormLab.Tests.Properties.Infrastructure;
using static NormLab.Tests.Properties.Family.FamilyChecks;
using static NormLab.Tests.Properties.Infrastructure.ErrorModel;

namespace NormLab.Tests.Properties.Family;

/// <summary>A BN case whose batch of N = k·V rows splits into k ghost chunks of V.</summary>
public sealed record GhostCase(BnCase Case, int V)
{
    public int K => Case.N / V;
    public override string ToString() => $"{{virtualBatchSize {V} ({K} chunks) {Case}}}";

    /// <summary>k chunks of V (k in <paramref name="minK"/>..<paramref name="maxK"/>), V in 2..4, 1–2 training batches, float32.</summary>
    public static Arbitrary<GhostCase> Cases(int minK, int maxK) => Arb.From(
        from spec in BnGen.Specs(new BnGenOptions())
        from v in Gen.Choose(2, 4)
        from k in Gen.Choose(minK, maxK)
        from spatial in Gen.Elements(false, true)
        from c in Gen.Choose(1, 3)
        from h in spatial ? Gen.Choose(1, 3) : Gen.Constant(0)
        from w in spatial ? Gen.Choose(1, 3) : Gen.Constant(0)
        from channels in BnGen.Channel(Precision.Float32, 100).ArrayOf(c)
        from batches in Gen.Choose(1, 2)
        from z in Gen.Choose(-2000, 2000).Select(i => i / 1000.0).ArrayOf(v * k * c * (spatial ? h * w : 1)).ArrayOf(batches)
        select new GhostCase(new BnCase(spec, Precision.Float32, v * k, c, h, w,
            channels.Select(t => t.Offset).ToArray(), channels.Select(t => t.Scale).ToArray(), z), v));
}

/// <summary>
/// Ghost BN and Batch Renormalization as parameterisations of BN (DESIGN.md, "Relatives"): each property compares the
/// variant under test with NormLab's real BN (<see cref="RealBn"/>) on the same data. Tolerances: two float32 BN outputs
/// of the same batch are each within e = <see cref="ErrorModel.Normalised"/> of the exact x̂ (2e apart); input
/// gradients 2 × <see cref="ErrorModel.InputGradient"/>; running statistics after k updates k × 2 × (the
/// <see cref="ErrorModel.Mean"/> / <see cref="ErrorModel.Variance"/> bound of one batch statistic, × n/(n−1) when
/// unbiased, plus the rounding of the stored value); eval outputs 2 × the eval rounding bound plus the running mean's and
/// variance's tolerance carried through x̂.
/// </summary>
public static class BnVariantProperties
{
    static readonly double U32 = U(Precision.Float32);

    static Tensor Batch(BnCase c, int k) => c.Tensor(k);

    /// <summary>Training outputs of <paramref name="a"/> and <paramref name="b"/> on rows [from, from+rows) agree to 2e of those rows' statistics.</summary>
    static void CompareOutputs(double[] ya, double[] yb, double[] x, BnCase c, int from, int rows, string what)
    {
        var rowLength = c.C * c.Spatial;
        var chunk = x.Skip(from * (int)rowLength).Take(rows * (int)rowLength).ToArray();
        var st = ChannelStats.Of(chunk, c.H == 0 ? [rows, c.C] : [rows, c.C, c.H, c.W]);
        var eps = c.Spec.ResolvedEpsilon;
        for (var j = 0; j < chunk.Length; j++)
        {
            var i = from * (int)rowLength + j;
            var ch = c.ChannelOf(i);
            var e = Normalised(U32, st.N, st.MaxAbs[ch], Math.Sqrt(st.BiasedVar[ch] + eps));
            Near(ya[i], yb[i], 2 * e, $"{what} y[{i}] (channel {ch})");
        }
    }

    /// <summary>
    /// Tolerance of a running mean and variance after <paramref name="updates"/> updates from batches of n values per
    /// channel (largest magnitude M over every value seen): per update 2 × (<see cref="ErrorModel.Mean"/> or
    /// <see cref="ErrorModel.Variance"/> with σ ≤ M, × n/(n−1)) plus the rounding of the update itself, summed.
    /// </summary>
    static (double[] Mean, double[] Var) StateTolerance(BnState s, int updates, double[] allValues, BnCase c, long n)
    {
        var st = ChannelStats.Of(allValues, [allValues.Length / (c.C * c.Spatial), c.C, .. (c.H == 0 ? Array.Empty<long>() : [c.H, c.W])]);
        var unbias = (double)n / (n - 1);
        var mean = new double[c.C];
        var var = new double[c.C];
        for (var ch = 0; ch < c.C; ch++)
        {
            var m = st.MaxAbs[ch];
            // The update r ← keep·r + take·batch (or the window's average) rounds its products and sum: ≤ 4u·(|old| + |batch|)
            // per update, with |old| ≤ max(initial value, M) for the mean (initial 0) and ≤ max(1, M²) for the variance (initial 1).
            mean[ch] = updates * (2 * Mean(U32, n, m) + 4 * U32 * (Math.Abs(s.Mean[ch]) + 2 * m));
            var[ch] = updates * (2 * Variance(U32, n, m, m) * unbias + 4 * U32 * (Math.Abs(s.Var[ch]) + 2 * Math.Max(1, m * m) * unbias));
        }
        return (mean, var);
    }

    /// <summary>Running statistics of two layers that saw the same (chunk) batches agree; batches tracked exactly.</summary>
    static void CompareStates(BnState? a, BnState? b, int updates, double[] allValues, BnCase c, long n, string what)
    {
        if (a is null || b is null)
        {
            if ((a is null) != (b is null)) throw new PropertyViolation($"{what}: one layer tracks statistics, the other not");
            return;
        }
        if (a.Batches != b.Batches) throw new PropertyViolation($"{what}: num_batches_tracked {a.Batches} vs {b.Batches}");
        var (meanTol, varTol) = StateTolerance(b, updates, allValues, c, n);
        for (var ch = 0; ch < c.C; ch++)
        {
            Near(a.Mean[ch], b.Mean[ch], meanTol[ch], $"{what} running mean[{ch}]");
            Near(a.Var[ch], b.Var[ch], varTol[ch], $"{what} running var[{ch}]");
        }
    }

    /// <summary>
    /// Eval outputs of two layers whose running statistics agree within <see cref="StateTolerance"/>: 2 × the eval
    /// rounding bound (4u·(|x| + |m|)/√(v+ε) + 2u·|y|) plus the statistics' tolerance carried through x̂
    /// (δm/√(v+ε) + |x̂|·δv/(2(v+ε))).
    /// </summary>
    static void CompareEval(IBnUnderTest a, IBnUnderTest b, BnCase c, int updates, double[] allValues, long n, string what)
    {
        a.Eval();
        b.Eval();
        var x = c.Values(0);
        var ya = TensorData.Doubles(a.Forward(Batch(c, 0)));
        var yb = TensorData.Doubles(b.Forward(Batch(c, 0)));
        var sb = b.State!;
        var (meanTol, varTol) = StateTolerance(sb, updates, allValues, c, n);
        var eps = c.Spec.ResolvedEpsilon;
        for (var i = 0; i < ya.Length; i++)
        {
            var ch = c.ChannelOf(i);
            var (m, v) = (sb.Mean[ch], sb.Var[ch]);
            var xhat = Math.Abs(x[i] - m) / Math.Sqrt(v + eps);
            var carried = meanTol[ch] / Math.Sqrt(v + eps) + xhat * varTol[ch] / (2 * (v + eps));
            Near(ya[i], yb[i], 2 * (4 * U32 * (Math.Abs(x[i]) + Math.Abs(m)) / Math.Sqrt(v + eps) + 2 * U32 * Math.Abs(yb[i])) + carried,
                $"{what} eval y[{i}] (channel {ch})");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>R1. Batch renorm with rMax = 1, dMax = 0 (any warm-up and ramp) is BN: outputs and input gradients of every
    /// training batch, and the running statistics after each.</summary>
    public static PropertyDef<WithExtra<int[]>> R1_RenormWithUnitLimitsIsBn(BnFactory make, int maxTest = 150) => new(
        "R1 renorm with rMax=1, dMax=0 equals BN in outputs, gradients and running statistics",
        BnGen.Cases(new BnGenOptions { MinBatches = 2, MaxBatches = 3 }, Gen.Choose(0, 3).ArrayOf(2)),
        w =>
        {
            var c = w.Case;
            if (!c.Spec.TrackRunningStats) return;
            using var scope = torch.NewDisposeScope();
            var renorm = c.Spec with { Renorm = new BatchRenorm(1, 0, w.Extra[0], w.Extra[1]) };
            using var a = make(renorm, c.C, c.SampleRank);
            using var b = RealBn.Factory(c.Spec, c.C, c.SampleRank);
            var eps = c.Spec.ResolvedEpsilon;
            var g = Enumerable.Range(0, (int)c.Count).Select(i => Math.Sin(1 + 0.7 * i)).ToArray();
            var seen = new List<double>();
            for (var k = 0; k < c.Batches; k++)
            {
                var x = c.Values(k);
                seen.AddRange(x);
                var (ya, dxa) = OutputAndGradient(a, c, k, g);
                var (yb, dxb) = OutputAndGradient(b, c, k, g);
                CompareOutputs(ya, yb, x, c, 0, c.N, $"batch {k}:");
                var st = ChannelStats.Of(x, c.Shape);
                for (var i = 0; i < dxa.Length; i++)
                {
                    var ch = c.ChannelOf(i);
                    Near(dxa[i], dxb[i], 2 * InputGradient(U32, st.N, st.MaxAbs[ch], Math.Sqrt(st.BiasedVar[ch] + eps), 1, 1),
                        $"batch {k}: ∂L/∂x[{i}] (channel {ch})");
                }
                CompareStates(a.State, b.State, k + 1, seen.ToArray(), c, c.PerChannel, $"after batch {k}:");
            }
        },
        maxTest);

    /// <summary>R2. During warm-up (every training batch so far before warmupSteps) renorm is BN, whatever its limits: the
    /// schedule starts at rMax = 1, dMax = 0. Same comparisons as R1.</summary>
    public static PropertyDef<WithExtra<int[]>> R2_RenormIsBnDuringWarmup(BnFactory make, int maxTest = 150) => new(
        "R2 renorm during its warm-up equals BN whatever rMax and dMax",
        BnGen.Cases(new BnGenOptions { MinBatches = 2, MaxBatches = 3 }, Gen.Choose(0, 4).ArrayOf(3)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var renorm = c.Spec with { Renorm = new BatchRenorm(1.5 + w.Extra[0], 0.5 + w.Extra[1], c.Batches + w.Extra[2], w.Extra[2]) };
            using var a = make(renorm, c.C, c.SampleRank);
            using var b = RealBn.Factory(c.Spec, c.C, c.SampleRank);
            var seen = new List<double>();
            for (var k = 0; k < c.Batches; k++)
            {
                var x = c.Values(k);
                seen.AddRange(x);
                var ya = TensorData.Doubles(a.Forward(Batch(c, k)));
                var yb = TensorData.Doubles(b.Forward(Batch(c, k)));
                CompareOutputs(ya, yb, x, c, 0, c.N, $"warm-up batch {k}:");
                CompareStates(a.State, b.State, k + 1, seen.ToArray(), c, c.PerChannel, $"after warm-up batch {k}:");
            }
        },
        maxTest);

    static (double[] Y, double[] Dx) OutputAndGradient(IBnUnderTest bn, BnCase c, int k, double[] g)
    {
        var x = c.Tensor(k).requires_grad_();
        var y = bn.Forward(x);
        y.mul(TensorData.From(g, c.Shape, c.Precision)).sum().backward();
        return (TensorData.Doubles(y.detach()), TensorData.Doubles(x.grad!));
    }

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>GH1. Ghost BN whose virtual batch is the whole batch is BN: training outputs, running statistics, then eval.</summary>
    public static PropertyDef<GhostCase> GH1_VirtualBatchOfWholeBatchIsBn(BnFactory make, int maxTest = 150) => new(
        "GH1 ghost BN with virtualBatchSize = batch size equals BN (train outputs, running statistics, eval)",
        GhostCase.Cases(1, 1),
        gc =>
        {
            var c = gc.Case;
            using var scope = torch.NewDisposeScope();
            using var a = make(c.Spec with { VirtualBatchSize = c.N }, c.C, c.SampleRank);
            using var b = RealBn.Factory(c.Spec, c.C, c.SampleRank);
            var seen = new List<double>();
            for (var k = 0; k < c.Batches; k++)
            {
                var x = c.Values(k);
                seen.AddRange(x);
                var ya = TensorData.Doubles(a.Forward(Batch(c, k)));
                var yb = TensorData.Doubles(b.Forward(Batch(c, k)));
                CompareOutputs(ya, yb, x, c, 0, c.N, $"batch {k}:");
                CompareStates(a.State, b.State, k + 1, seen.ToArray(), c, c.PerChannel, $"after batch {k}:");
            }
            CompareEval(a, b, c, c.Batches, seen.ToArray(), c.PerChannel, "after training:");
        },
        maxTest);

    /// <summary>
    /// GH2. Ghost BN on a batch of k chunks equals k separate BN calls, one per chunk, in order: the outputs (each chunk
    /// normalised by its own statistics), the running statistics (k updates, num_batches_tracked + k), and eval afterwards.
    /// </summary>
    public static PropertyDef<GhostCase> GH2_GhostIsOneBnCallPerChunk(BnFactory make, int maxTest = 150) => new(
        "GH2 ghost BN on k chunks equals k separate BN calls (outputs, running statistics, eval)",
        GhostCase.Cases(2, 3),
        gc =>
        {
            var c = gc.Case;
            using var scope = torch.NewDisposeScope();
            using var a = make(c.Spec with { VirtualBatchSize = gc.V }, c.C, c.SampleRank);
            using var b = RealBn.Factory(c.Spec, c.C, c.SampleRank);
            var rowLength = (int)(c.C * c.Spatial);
            var seen = new List<double>();
            for (var k = 0; k < c.Batches; k++)
            {
                var x = c.Values(k);
                seen.AddRange(x);
                var ya = TensorData.Doubles(a.Forward(Batch(c, k)));
                var yb = new List<double>();
                for (var j = 0; j < gc.K; j++)
                {
                    using var chunk = Batch(c, k).narrow(0, j * gc.V, gc.V);
                    yb.AddRange(TensorData.Doubles(b.Forward(chunk)));
                }
                for (var j = 0; j < gc.K; j++) CompareOutputs(ya, yb.ToArray(), x, c, j * gc.V, gc.V, $"batch {k}, chunk {j}:");
                CompareStates(a.State, b.State, (k + 1) * gc.K, seen.ToArray(), c, (long)gc.V * c.Spatial, $"after batch {k}:");
            }
            CompareEval(a, b, c, c.Batches * gc.K, seen.ToArray(), (long)gc.V * c.Spatial, "after training:");
        },
        maxTest);
}
