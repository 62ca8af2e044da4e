using System.Globalization;
using NormLab.Tests.Properties.Infrastructure;
using static NormLab.Tests.Properties.Infrastructure.ErrorModel;

namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>γ and β per channel (4 generated; the first C used).</summary>
public sealed record AffineParams(double[] Gamma, double[] Beta)
{
    public override string ToString() => $"γ [{Show(Gamma)}] β [{Show(Beta)}]";
    internal static string Show(double[] a) => string.Join(", ", a.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));
}

/// <summary>x ↦ a·x + b with a &gt; 0.</summary>
public sealed record Transform(double A, double B);

/// <summary>Upstream gradient values and the coordinates a finite-difference check probes.</summary>
public sealed record GradientProbe(double[] Upstream, int[] Coordinates)
{
    public override string ToString() => $"coords [{string.Join(", ", Coordinates)}] (upstream: 512 values in [-1, 1])";
}

/// <summary>
/// The BN invariants of issue 4 (1–10), each a <see cref="PropertyDef{T}"/> over a <see cref="BnFactory"/>, so the same
/// law runs against the real layer and against the mutants. Each property states the tolerance it uses and where it
/// comes from (<see cref="ErrorModel"/>).
/// </summary>
public static class BnProperties
{
    static readonly BnGenOptions Float32Only = new();

    /// <summary>
    /// Float64 cases run the layer with affine=false and trackRunningStats=false: libtorch's native batch_norm refuses a
    /// float64 input with float32 γ/β or running buffers (all NormLab parameters are float32). In training mode neither
    /// changes the output (batch statistics; affine=false equals γ = 1, β = 0 — property 2 checks that in float32).
    /// </summary>
    static NormLab.Core.Networks.BatchNorm ForPrecision(BnCase c) =>
        c.Precision == Precision.Float64 ? c.Spec with { Affine = false, TrackRunningStats = false } : c.Spec;

    static Gen<double> Choose(double lo, double hi, int steps = 1000) => Gen.Choose(0, steps).Select(i => lo + (hi - lo) * i / steps);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 1. Training output, γ = 1, β = 0: per channel mean 0 and biased variance σ²/(σ²+ε), σ² the exact biased variance of
    /// the values fed. Tolerance: every output is within e = <see cref="ErrorModel.Normalised"/> of the exact x̂, so the
    /// mean is within e and the variance (mean of squares of values ≤ √n… averaging to ≤ 1) within 2e + e².
    /// Float32 and float64 cases; float64 covers the ill-conditioned range (offset 1e3, spread 1e-3).
    /// </summary>
    public static PropertyDef<BnCase> P1_TrainNormalises(BnFactory make, int maxTest = 1000) => new(
        "P1 train output has per-channel mean 0 and biased variance σ²/(σ²+ε)",
        BnGen.Cases(new BnGenOptions { Precisions = [Precision.Float32, Precision.Float64] }),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var spec = ForPrecision(c);
            using var bn = make(spec, c.C, c.SampleRank);
            var x = c.Values();
            var y = TensorData.Doubles(bn.Forward(TensorData.From(x, c.Shape, c.Precision)));
            var sx = ChannelStats.Of(x, c.Shape);
            var sy = ChannelStats.Of(y, c.Shape);
            var eps = spec.ResolvedEpsilon;
            for (var ch = 0; ch < c.C; ch++)
            {
                var d = Math.Sqrt(sx.BiasedVar[ch] + eps);
                var e = Normalised(U(c.Precision), sx.N, sx.MaxAbs[ch], d);
                Near(sy.Mean[ch], 0, e, $"channel {ch}: output mean");
                Near(sy.BiasedVar[ch], sx.BiasedVar[ch] / (sx.BiasedVar[ch] + eps), 2 * e + e * e, $"channel {ch}: output biased variance");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 2. (a) With any γ, β the output is γ·x̂ + β, x̂ the affine=false output on the same batch. Tolerance: both x̂ are
    /// within e of the exact one (2e, times |γ|), plus 2u·(|γ·x̂| + |β|) for the multiply-add.
    /// (b) affine=false equals affine=true with its initial γ = 1, β = 0 in output (2e) and in the input gradient of
    /// L = Σ g·y (2 × <see cref="ErrorModel.InputGradient"/>) for a fixed upstream g_i = sin(1 + 0.7·i). Float32 only:
    /// native BN has float32 γ/β.
    /// </summary>
    public static PropertyDef<WithExtra<AffineParams>> P2_Affine(BnFactory make, int maxTest = 500) => new(
        "P2 output = γ·x̂ + β; affine=false equals γ=1, β=0 in output and input gradient",
        BnGen.Cases(Float32Only, AffineGen),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { Affine = true };
            var u = U(c.Precision);
            var x = c.Values();
            var sx = ChannelStats.Of(x, c.Shape);
            var eps = spec.ResolvedEpsilon;
            double D(int ch) => Math.Sqrt(sx.BiasedVar[ch] + eps);
            double E(int ch) => Normalised(u, sx.N, sx.MaxAbs[ch], D(ch));

            using (var plain = make(spec with { Affine = false }, c.C, c.SampleRank))
            using (var affine = make(spec, c.C, c.SampleRank))
            {
                var gamma = w.Extra.Gamma[..c.C].Select(g => (double)(float)g).ToArray();
                var beta = w.Extra.Beta[..c.C].Select(b => (double)(float)b).ToArray();
                SetAffine(affine, gamma, beta);
                var y0 = TensorData.Doubles(plain.Forward(c.Tensor()));
                var y1 = TensorData.Doubles(affine.Forward(c.Tensor()));
                for (var i = 0; i < y1.Length; i++)
                {
                    var ch = c.ChannelOf(i);
                    var expected = gamma[ch] * y0[i] + beta[ch];
                    Near(y1[i], expected, Math.Abs(gamma[ch]) * 2 * E(ch) + 2 * u * (Math.Abs(gamma[ch] * y0[i]) + Math.Abs(beta[ch])),
                        $"y[{i}] (channel {ch}) vs γ·x̂ + β");
                }
            }

            using (var plain = make(spec with { Affine = false }, c.C, c.SampleRank))
            using (var affine = make(spec, c.C, c.SampleRank))
            {
                var g = Upstream(c.Count);
                var (ya, dxa) = OutputAndGradient(affine, c, g);
                var (yp, dxp) = OutputAndGradient(plain, c, g);
                for (var i = 0; i < ya.Length; i++)
                {
                    var ch = c.ChannelOf(i);
                    Near(yp[i], ya[i], 2 * E(ch), $"affine=false output y[{i}] vs γ=1, β=0");
                    Near(dxp[i], dxa[i], 2 * InputGradient(u, sx.N, sx.MaxAbs[ch], D(ch), 1, 1), $"affine=false ∂L/∂x[{i}] vs γ=1, β=0");
                }
            }
        },
        maxTest);

    static readonly Gen<AffineParams> AffineGen =
        from gammas in (from sign in Gen.Elements(-1.0, 1.0) from e in Choose(-1, 1) select sign * Math.Pow(10, e)).ArrayOf(4)
        from betas in Gen.Frequency((1, Gen.Constant(0.0)), (3, Choose(-100, 100))).ArrayOf(4)
        select new AffineParams(gammas, betas);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 3. Invariance: BN(a·x + b) = ρ·BN(x) per channel for a &gt; 0, with ρ = a·√(σ²+ε)/√(a²σ²+ε) — exactly the "ε term"
    /// (ρ = 1 when a²σ² ≫ ε). Tolerance: ρ·e(x) + e(a·x+b) for the two computations, plus the rounding of a·x+b to the
    /// precision (≤ u·(M' + a·M) per value, moving x̂' by at most that over D' times (1+√n)). In float32 b is clamped
    /// so a·x+b keeps |offset|/spread ≤ 100 (see <see cref="BnGenOptions.MaxFloat32Condition"/>); float64 takes any b.
    /// </summary>
    public static PropertyDef<WithExtra<Transform>> P3_ShiftScaleInvariance(BnFactory make, int maxTest = 1000) => new(
        "P3 BN(a·x + b) = ρ·BN(x), ρ = a·√(σ²+ε)/√(a²σ²+ε)",
        BnGen.Cases(new BnGenOptions { Precisions = [Precision.Float32, Precision.Float64] },
            from a in Choose(-2, 2) from b in Gen.Frequency((1, Gen.Constant(0.0)), (3, Choose(-3, 3).Select(e => Math.Pow(10, e)))) from neg in Gen.Elements(false, true)
            select new Transform(Math.Pow(10, a), neg ? -b : b)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = ForPrecision(c);
            var u = U(c.Precision);
            var a = w.Extra.A;
            var b = w.Extra.B;
            if (c.Precision == Precision.Float32)
            {
                var bound = Math.Max(0, Enumerable.Range(0, c.C).Min(ch => 100 * a * c.Scales[ch] - a * Math.Abs(c.Offsets[ch])));
                b = Math.Clamp(b, -bound, bound);
            }
            var x = c.Values();
            var xt = TensorData.Rounded(c.Raw().Select(v => a * v + b).ToArray(), c.Precision);
            using var bn1 = make(spec, c.C, c.SampleRank);
            using var bn2 = make(spec, c.C, c.SampleRank);
            var y = TensorData.Doubles(bn1.Forward(TensorData.From(x, c.Shape, c.Precision)));
            var yt = TensorData.Doubles(bn2.Forward(TensorData.From(xt, c.Shape, c.Precision)));
            var s = ChannelStats.Of(x, c.Shape);
            var st = ChannelStats.Of(xt, c.Shape);
            var eps = spec.ResolvedEpsilon;
            for (var i = 0; i < y.Length; i++)
            {
                var ch = c.ChannelOf(i);
                var d = Math.Sqrt(s.BiasedVar[ch] + eps);
                var dt = Math.Sqrt(st.BiasedVar[ch] + eps);
                var rho = a * d / Math.Sqrt(a * a * s.BiasedVar[ch] + eps);
                var tol = rho * Normalised(u, s.N, s.MaxAbs[ch], d) + Normalised(u, st.N, st.MaxAbs[ch], dt)
                          + 2 * u * (st.MaxAbs[ch] + a * s.MaxAbs[ch]) / dt * (1 + Math.Sqrt(s.N));
                Near(yt[i], rho * y[i], tol, $"BN(a·x+b)[{i}] (channel {ch}, a={a:G4}, b={b:G4}, ρ={rho:G6}) vs ρ·BN(x)");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 4. Permuting the batch permutes the output, in train (fresh layers; sums in another order: 2e per value) and in
    /// eval (after one training batch; per value at most 4 roundings of (x − m)·(v+ε)^-½: 4u·((|x|+|m|)/√(v+ε) + |y|),
    /// twice). The permutation is the argsort of 8 generated keys, so it shrinks with N.
    /// </summary>
    public static PropertyDef<WithExtra<double[]>> P4_PermutationEquivariance(BnFactory make, int maxTest = 500) => new(
        "P4 permuting the batch permutes the output (train and eval)",
        BnGen.Cases(Float32Only, Gen.Choose(0, 1_000_000).Select(i => (double)i).ArrayOf(8)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var perm = Enumerable.Range(0, c.N).OrderBy(i => w.Extra[i]).ThenBy(i => i).ToArray();
            var x = c.Values();
            var px = PermuteRows(x, perm, c);
            var u = U(c.Precision);
            var sx = ChannelStats.Of(x, c.Shape);
            var eps = c.Spec.ResolvedEpsilon;
            using var bnA = make(c.Spec, c.C, c.SampleRank);
            using var bnB = make(c.Spec, c.C, c.SampleRank);
            var y = TensorData.Doubles(bnA.Forward(TensorData.From(x, c.Shape, c.Precision)));
            var yp = TensorData.Doubles(bnB.Forward(TensorData.From(px, c.Shape, c.Precision)));
            var expected = PermuteRows(y, perm, c);
            for (var i = 0; i < yp.Length; i++)
            {
                var ch = c.ChannelOf(i);
                Near(yp[i], expected[i], 2 * Normalised(u, sx.N, sx.MaxAbs[ch], Math.Sqrt(sx.BiasedVar[ch] + eps)),
                    $"train: BN(Px)[{i}] vs (P·BN(x))[{i}], permutation [{string.Join(", ", perm)}]");
            }
            bnA.Eval();
            var e = TensorData.Doubles(bnA.Forward(TensorData.From(x, c.Shape, c.Precision)));
            var ep = TensorData.Doubles(bnA.Forward(TensorData.From(px, c.Shape, c.Precision)));
            var expectedEval = PermuteRows(e, perm, c);
            for (var i = 0; i < ep.Length; i++)
            {
                var ch = c.ChannelOf(i);
                var tol = bnA.State is { } st
                    ? 2 * EvalBound(u, px[i], st.Mean[ch], st.Var[ch], eps, ep[i])
                    : 2 * Normalised(u, sx.N, sx.MaxAbs[ch], Math.Sqrt(sx.BiasedVar[ch] + eps));
                Near(ep[i], expectedEval[i], tol, $"eval: BN(Px)[{i}] vs (P·BN(x))[{i}], permutation [{string.Join(", ", perm)}]");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 5. Eval (after 1–3 training batches, running statistics tracked): the output repeats bit for bit, and each row —
    /// alone or in a generated sub-batch — equals its row in the full batch (the same elementwise computation per value:
    /// 4u·((|x|+|m|)/√(v+ε) + |y|) for each of the two, see P4).
    /// </summary>
    public static PropertyDef<WithExtra<bool[]>> P5_EvalIsPerRow(BnFactory make, int maxTest = 500) => new(
        "P5 eval: each row independent of the other rows and of the batch size, repeats exactly",
        BnGen.Cases(Float32Only with { MaxBatches = 3 }, Gen.Elements(false, true).ArrayOf(8)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { TrackRunningStats = true };
            using var bn = make(spec, c.C, c.SampleRank);
            for (var k = 0; k < c.Batches; k++) bn.Forward(c.Tensor(k));
            bn.Eval();
            var x = c.Values();
            var xt = TensorData.From(x, c.Shape, c.Precision);
            var y = TensorData.Doubles(bn.Forward(xt));
            var again = TensorData.Doubles(bn.Forward(xt));
            for (var i = 0; i < y.Length; i++)
                if (BitConverter.DoubleToInt64Bits(y[i]) != BitConverter.DoubleToInt64Bits(again[i]))
                    throw new PropertyViolation($"eval output does not repeat: y[{i}] = {y[i]:R} then {again[i]:R}");
            var st = bn.State!;
            var u = U(c.Precision);
            var eps = spec.ResolvedEpsilon;
            var rowLength = (int)(c.C * c.Spatial);
            var subset = Enumerable.Range(0, c.N).Where(i => w.Extra[i]).DefaultIfEmpty(0).ToArray();
            var groups = Enumerable.Range(0, c.N).Select(i => new[] { i }).Append(subset);
            foreach (var rows in groups)
            {
                using var index = torch.tensor(rows.Select(r => (long)r).ToArray(), [rows.Length]);
                var part = TensorData.Doubles(bn.Forward(xt.index_select(0, index)));
                for (var r = 0; r < rows.Length; r++)
                    for (var j = 0; j < rowLength; j++)
                    {
                        var i = rows[r] * rowLength + j;
                        var ch = c.ChannelOf(i);
                        Near(part[r * rowLength + j], y[i], 2 * EvalBound(u, x[i], st.Mean[ch], st.Var[ch], eps, y[i]),
                            $"row {rows[r]} evaluated within rows [{string.Join(", ", rows)}], value {j}, vs within the full batch");
                    }
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 6a. cumulative convention over 2–5 batches: running mean = mean of the batch means, running var = mean of the
    /// unbiased batch variances (exact in real arithmetic). Tolerance: each batch mean within <see cref="ErrorModel.Mean"/>,
    /// each batch variance within n/(n−1)·<see cref="ErrorModel.Variance"/>, each of the K updates r ← (1−w)r + w·b adds
    /// ≤ 3u·(|r| + |b|). Then eval output equals normalising with those statistics (per value 4u·((|x|+|m|)/√(v+ε)+|y|)).
    /// </summary>
    public static PropertyDef<BnCase> P6a_CumulativeAverages(BnFactory make, int maxTest = 500) => new(
        "P6a cumulative: running stats = mean of batch means and of unbiased batch variances; eval normalises with them",
        BnGen.Cases(Float32Only with { Conventions = [BnConvention.Cumulative], MinBatches = 2, MaxBatches = 5 }),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { TrackRunningStats = true, Affine = false };
            using var bn = make(spec, c.C, c.SampleRank);
            var stats = Enumerable.Range(0, c.Batches).Select(k => ChannelStats.Of(c.Values(k), c.Shape)).ToArray();
            for (var k = 0; k < c.Batches; k++) bn.Forward(c.Tensor(k));
            var st = bn.State!;
            var u = U(c.Precision);
            var n = stats[0].N;
            var K = c.Batches;
            for (var ch = 0; ch < c.C; ch++)
            {
                var means = stats.Select(s => s.Mean[ch]).ToArray();
                var vars = stats.Select(s => s.UnbiasedVar(ch)).ToArray();
                var tolMean = stats.Max(s => Mean(u, n, s.MaxAbs[ch])) + 3 * K * u * 2 * means.Max(Math.Abs);
                var tolVar = (double)n / (n - 1) * stats.Max(s => Variance(u, n, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch])))
                             + 3 * K * u * 2 * Math.Max(1, vars.Max());
                Near(st.Mean[ch], means.Average(), tolMean, $"channel {ch}: running mean after {K} batches vs mean of batch means [{AffineParams.Show(means)}]");
                Near(st.Var[ch], vars.Average(), tolVar, $"channel {ch}: running var after {K} batches vs mean of unbiased batch variances [{AffineParams.Show(vars)}]");
            }
            EvalNormalisesWithState(bn, c, c.Batches - 1, spec.ResolvedEpsilon);
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 6b. One batch fed T = 1..12 times under torch (or keras) momentum: the running statistic is s + q^T·(r₀ − s) with
    /// q = 1−m (torch) or m (keras), r₀ = 0 (mean) / 1 (var), s the batch mean and the unbiased (torch) or biased (keras)
    /// batch variance — the error shrinks by exactly q per step, so eval(x) tends to train(x) under keras and to the
    /// normalisation with σ²·n/(n−1) under torch. Tolerance: batch statistic error (<see cref="ErrorModel.Mean"/>,
    /// <see cref="ErrorModel.Variance"/>) plus 3u·(|r|+|s|) per update (the recursion is a contraction: errors do not grow).
    /// Then eval(x) is within the q^T gap (plus rounding) of its limit: train(x) under keras, train(x) with the variance
    /// scaled by exactly n/(n−1) under torch.
    /// </summary>
    public static PropertyDef<WithExtra<int>> P6b_MomentumConverges(BnFactory make, int maxTest = 500) => new(
        "P6b one batch repeated: running stats approach its statistics geometrically (torch: unbiased var; keras: biased)",
        BnGen.Cases(Float32Only with { Conventions = [BnConvention.Torch, BnConvention.Keras], ExplicitMomentum = true }, Gen.Choose(1, 12)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { TrackRunningStats = true };
            using var bn = make(spec, c.C, c.SampleRank);
            var T = w.Extra;
            for (var t = 0; t < T; t++) bn.Forward(c.Tensor());
            var st = bn.State!;
            var s = ChannelStats.Of(c.Values(), c.Shape);
            var m = spec.ResolvedMomentum;
            var torchStyle = spec.Convention == BnConvention.Torch;
            var q = torchStyle ? 1 - m : m;
            var u = U(c.Precision);
            for (var ch = 0; ch < c.C; ch++)
            {
                var sv = torchStyle ? s.UnbiasedVar(ch) : s.BiasedVar[ch];
                var qt = Math.Pow(q, T);
                var expectedMean = s.Mean[ch] + qt * (0 - s.Mean[ch]);
                var expectedVar = sv + qt * (1 - sv);
                var tolMean = Mean(u, s.N, s.MaxAbs[ch]) + 3 * T * u * 2 * Math.Abs(s.Mean[ch]);
                var tolVar = (double)s.N / (s.N - 1) * Variance(u, s.N, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch])) + 3 * T * u * 2 * Math.Max(1, sv);
                Near(st.Mean[ch], expectedMean, tolMean, $"channel {ch}: running mean after {T} steps (q = {q:G4}) vs μ + q^T·(0 − μ)");
                Near(st.Var[ch], expectedVar, tolVar, $"channel {ch}: running var after {T} steps (q = {q:G4}) vs s + q^T·(1 − s), s = {(torchStyle ? "unbiased" : "biased")} {sv:G6}");
            }
            // Train/inference consistency: eval(x) tends to the training output train(x) — keras: itself; torch: the same
            // normalisation with σ²·n/(n−1), i.e. train(x)·√((σ²+ε)/(σ²·n/(n−1)+ε)). The remaining gap is the closed form's
            // q^T term, |(x − r_m)/√(r_v+ε) − (x − μ)/√(s+ε)|; on top of it: the training output's error e (times the
            // scale), the eval rounding (P4's bound) and the running statistics' tolerances propagated through (x−m)/√(v+ε).
            var eps = spec.ResolvedEpsilon;
            var x = c.Values();
            using var fresh = make(spec, c.C, c.SampleRank);
            var yTrain = TensorData.Doubles(fresh.Forward(c.Tensor()));
            bn.Eval();
            var yEval = TensorData.Doubles(bn.Forward(c.Tensor()));
            for (var i = 0; i < x.Length; i++)
            {
                var ch = c.ChannelOf(i);
                var sv = torchStyle ? s.UnbiasedVar(ch) : s.BiasedVar[ch];
                var qt = Math.Pow(q, T);
                var (rm, rv) = (s.Mean[ch] * (1 - qt), sv + qt * (1 - sv));
                var scale = Math.Sqrt((s.BiasedVar[ch] + eps) / (sv + eps));
                var gap = Math.Abs((x[i] - rm) / Math.Sqrt(rv + eps) - (x[i] - s.Mean[ch]) / Math.Sqrt(sv + eps));
                var tolMean = Mean(u, s.N, s.MaxAbs[ch]) + 3 * T * u * 2 * Math.Abs(s.Mean[ch]);
                var tolVar = (double)s.N / (s.N - 1) * Variance(u, s.N, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch])) + 3 * T * u * 2 * Math.Max(1, sv);
                var v = rv + eps;
                var propagated = tolMean / Math.Sqrt(v) + (Math.Abs(x[i] - rm) + tolMean) * tolVar / (2 * v * Math.Sqrt(Math.Max(v - tolVar, eps)));
                var tol = scale * Normalised(u, s.N, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch] + eps)) + EvalBound(u, x[i], rm, rv, eps, yEval[i]) + propagated;
                Near(yEval[i], yTrain[i] * scale, gap + tol,
                    $"eval(x)[{i}] (channel {ch}) after {T} steps vs the {(torchStyle ? "torch limit train(x)·√((σ²+ε)/(σ²·n/(n−1)+ε))" : "keras limit train(x)")} (q^T gap {gap:G3})");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>6c. trackRunningStats=false: eval computes exactly what training computes (the same batch statistics): bit for bit.</summary>
    public static PropertyDef<BnCase> P6c_UntrackedTrainEqualsEval(BnFactory make, int maxTest = 500) => new(
        "P6c trackRunningStats=false: train and eval outputs identical",
        BnGen.Cases(Float32Only),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            using var bn = make(c.Spec with { TrackRunningStats = false }, c.C, c.SampleRank);
            var x = c.Tensor();
            var train = TensorData.Doubles(bn.Forward(x));
            bn.Eval();
            var eval = TensorData.Doubles(bn.Forward(x));
            for (var i = 0; i < train.Length; i++)
                if (BitConverter.DoubleToInt64Bits(train[i]) != BitConverter.DoubleToInt64Bits(eval[i]))
                    throw new PropertyViolation($"y[{i}]: train {train[i]:R} vs eval {eval[i]:R}");
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 6d. (beyond the issue's list, the fourth convention) window N over 1–8 batches: running mean and variance are the
    /// means of the last min(K, N) batch means and unbiased batch variances. Tolerance: batch statistic errors as in 6a,
    /// plus the averaging of ≤ N terms (N·u relative). Then eval normalises with them.
    /// </summary>
    public static PropertyDef<BnCase> P6d_WindowAveragesLastBatches(BnFactory make, int maxTest = 500) => new(
        "P6d window N: running stats = mean of the last N batch means and unbiased batch variances",
        BnGen.Cases(Float32Only with { Conventions = [BnConvention.Window], MinBatches = 1, MaxBatches = 8 }),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { TrackRunningStats = true, Affine = false };
            using var bn = make(spec, c.C, c.SampleRank);
            for (var k = 0; k < c.Batches; k++) bn.Forward(c.Tensor(k));
            var last = Enumerable.Range(0, c.Batches).Skip(Math.Max(0, c.Batches - spec.Window)).Select(k => ChannelStats.Of(c.Values(k), c.Shape)).ToArray();
            var st = bn.State!;
            var u = U(c.Precision);
            var n = last[0].N;
            var terms = last.Length;
            for (var ch = 0; ch < c.C; ch++)
            {
                var means = last.Select(s => s.Mean[ch]).ToArray();
                var vars = last.Select(s => s.UnbiasedVar(ch)).ToArray();
                var tolMean = last.Max(s => Mean(u, n, s.MaxAbs[ch])) + 2 * (terms + 1) * u * means.Max(Math.Abs);
                var tolVar = (double)n / (n - 1) * last.Max(s => Variance(u, n, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch]))) + 2 * (terms + 1) * u * vars.Max();
                Near(st.Mean[ch], means.Average(), tolMean, $"channel {ch}: running mean after {c.Batches} batches (window {spec.Window}) vs mean of the last {terms} batch means [{AffineParams.Show(means)}]");
                Near(st.Var[ch], vars.Average(), tolVar, $"channel {ch}: running var after {c.Batches} batches (window {spec.Window}) vs mean of the last {terms} unbiased variances [{AffineParams.Show(vars)}]");
            }
            EvalNormalisesWithState(bn, c, c.Batches - 1, spec.ResolvedEpsilon);
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 7. Gradients (float64, γ = 1): for L = Σ g·y, per channel Σᵢ ∂L/∂xᵢ = 0 and Σᵢ ∂L/∂xᵢ·x̂ᵢ = (n·mean(g·x̂)/D)·ε/(σ²+ε)
    /// (orthogonal to x̂ up to exactly that ε term: Σx̂² = n·σ²/(σ²+ε)). Tolerance: n × the per-element gradient bound
    /// (<see cref="ErrorModel.InputGradient"/>; |x̂| sums to ≤ n). Then central finite differences at 4 coordinates with
    /// h = 10⁻³·D: the truncation error is estimated from the data by Richardson's rule (|FD(h) − FD(2h)|/3, ×2 for
    /// safety) and the roundoff bounded by Σ|g|·e/h (e: <see cref="ErrorModel.Normalised"/> in float64).
    /// </summary>
    public static PropertyDef<WithExtra<GradientProbe>> P7_Gradients(BnFactory make, int maxTest = 300) => new(
        "P7 ∂L/∂x sums to 0 per channel, is orthogonal to x̂ up to the ε term, and matches central differences (float64)",
        BnGen.Cases(new BnGenOptions { Precisions = [Precision.Float64] },
            from g in Gen.Choose(-1000, 1000).Select(i => i / 1000.0).ArrayOf(512)
            from k in Gen.Choose(0, 1_000_000).ArrayOf(4)
            select new GradientProbe(g, k)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { Affine = false, TrackRunningStats = false };
            using var bn = make(spec, c.C, c.SampleRank);
            var x = c.Values();
            var g = w.Extra.Upstream[..(int)c.Count];
            var gt = TensorData.From(g, c.Shape, Precision.Float64);
            var xt = TensorData.From(x, c.Shape, Precision.Float64).requires_grad_();
            bn.Forward(xt).mul(gt).sum().backward();
            var dx = TensorData.Doubles(xt.grad!);
            var s = ChannelStats.Of(x, c.Shape);
            var eps = spec.ResolvedEpsilon;
            var u = U(Precision.Float64);
            var n = s.N;
            for (var ch = 0; ch < c.C; ch++)
            {
                var d = Math.Sqrt(s.BiasedVar[ch] + eps);
                var idx = Enumerable.Range(0, (int)c.Count).Where(i => c.ChannelOf(i) == ch).ToArray();
                var xhat = idx.Select(i => (x[i] - s.Mean[ch]) / d).ToArray();
                var gmax = idx.Max(i => Math.Abs(g[i]));
                var eg = InputGradient(u, n, s.MaxAbs[ch], d, gmax, 1);
                var sumAbs = idx.Sum(i => Math.Abs(dx[i]));
                var sum = idx.Sum(i => dx[i]);
                Near(sum, 0, n * eg + n * u * sumAbs, $"channel {ch}: Σ ∂L/∂x");
                var meanGx = idx.Select((i, j) => g[i] * xhat[j]).Average();
                var expectedOrth = n * meanGx / d * eps / (s.BiasedVar[ch] + eps);
                var orth = idx.Select((i, j) => dx[i] * xhat[j]).Sum();
                var eXhat = Normalised(u, n, s.MaxAbs[ch], d);
                Near(orth, expectedOrth, n * eg + sumAbs * eXhat + n * u * (sumAbs * Math.Sqrt(n) + Math.Abs(expectedOrth)),
                    $"channel {ch}: Σ ∂L/∂x·x̂ vs n·mean(g·x̂)/D·ε/(σ²+ε)");
            }
            double Loss(double[] values)
            {
                using var inner = torch.NewDisposeScope();
                using var _ = torch.no_grad();
                return TensorData.Doubles(bn.Forward(TensorData.From(values, c.Shape, Precision.Float64)).mul(gt).sum())[0];
            }
            double Fd(int i, double h)
            {
                var plus = (double[])x.Clone();
                var minus = (double[])x.Clone();
                plus[i] += h;
                minus[i] -= h;
                return (Loss(plus) - Loss(minus)) / (plus[i] - minus[i]);
            }
            foreach (var k in w.Extra.Coordinates)
            {
                var i = (int)(k % c.Count);
                var ch = c.ChannelOf(i);
                var d = Math.Sqrt(s.BiasedVar[ch] + eps);
                var h = 1e-3 * d;
                var fd = Fd(i, h);
                var richardson = Math.Abs(fd - Fd(i, 2 * h)) / 3;
                var roundoff = g.Sum(Math.Abs) * Normalised(u, n, s.MaxAbs[ch], d) / h;
                var gmax = g.Max(Math.Abs);
                Near(dx[i], fd, 2 * richardson + roundoff + InputGradient(u, n, s.MaxAbs[ch], d, gmax, 1),
                    $"∂L/∂x[{i}] (channel {ch}): autograd vs central difference (h = {h:G3})");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 8. Native and scratch implementations agree, over 1–3 training batches with generated γ/β and upstream gradient:
    /// outputs (2·(|γ|·e + 2u·(|y| + 2|β|)): x̂ and the affine multiply-add on each side), input gradients (2 × <see cref="ErrorModel.InputGradient"/>), ∂L/∂γ = Σ g·x̂ (2·(Σ|g|·e +
    /// n·u·Σ|g·x̂|)), ∂L/∂β = Σ g (2·n·u·Σ|g|), running statistics (2 × the per-update bounds of 6a), batch counts (exactly),
    /// and the eval output afterwards (per value bound of P4 plus the running statistics' difference propagated).
    /// </summary>
    public static PropertyDef<WithExtra<AffineParams>> P8_NativeAgreesWithScratch(BnFactory native, BnFactory scratch, int maxTest = 300) => new(
        "P8 native and scratch agree on outputs, gradients and running statistics",
        BnGen.Cases(Float32Only with { MaxBatches = 3 }, AffineGen),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var spec = c.Spec with { Affine = true, TrackRunningStats = true };
            using var a = native(spec with { Implementation = BnImplementation.Native }, c.C, c.SampleRank);
            using var b = scratch(spec with { Implementation = BnImplementation.Scratch }, c.C, c.SampleRank);
            var gamma = w.Extra.Gamma[..c.C].Select(v => (double)(float)v).ToArray();
            var beta = w.Extra.Beta[..c.C].Select(v => (double)(float)v).ToArray();
            SetAffine(a, gamma, beta);
            SetAffine(b, gamma, beta);
            var u = U(c.Precision);
            var eps = spec.ResolvedEpsilon;
            var g = Upstream(c.Count);
            double maxMean = 0, maxVar = 1, meanBudget = 0, varBudget = 0;
            for (var k = 0; k < c.Batches; k++)
            {
                var x = c.Values(k);
                var s = ChannelStats.Of(x, c.Shape);
                var (ya, dxa, dga, dba) = Step(a, c, k, g);
                var (yb, dxb, dgb, dbb) = Step(b, c, k, g);
                for (var i = 0; i < ya.Length; i++)
                {
                    var ch = c.ChannelOf(i);
                    var d = Math.Sqrt(s.BiasedVar[ch] + eps);
                    var e = Normalised(u, s.N, s.MaxAbs[ch], d);
                    Near(yb[i], ya[i], 2 * (Math.Abs(gamma[ch]) * e + 2 * u * (Math.Abs(ya[i]) + 2 * Math.Abs(beta[ch]))), $"batch {k}: output y[{i}] (channel {ch})");
                    Near(dxb[i], dxa[i], 2 * InputGradient(u, s.N, s.MaxAbs[ch], d, 1, gamma[ch]), $"batch {k}: ∂L/∂x[{i}] (channel {ch})");
                }
                for (var ch = 0; ch < c.C; ch++)
                {
                    var d = Math.Sqrt(s.BiasedVar[ch] + eps);
                    var e = Normalised(u, s.N, s.MaxAbs[ch], d);
                    var idx = Enumerable.Range(0, (int)c.Count).Where(i => c.ChannelOf(i) == ch).ToArray();
                    var sumG = idx.Sum(i => Math.Abs(g[i]));
                    var sumGx = idx.Sum(i => Math.Abs(g[i] * (x[i] - s.Mean[ch]) / d));
                    Near(dgb[ch], dga[ch], 2 * (sumG * e + s.N * u * sumGx), $"batch {k}: ∂L/∂γ[{ch}]");
                    Near(dbb[ch], dba[ch], 2 * s.N * u * sumG, $"batch {k}: ∂L/∂β[{ch}]");
                    maxMean = Math.Max(maxMean, Math.Abs(s.Mean[ch]));
                    maxVar = Math.Max(maxVar, s.UnbiasedVar(ch));
                    meanBudget += Mean(u, s.N, s.MaxAbs[ch]) + 6 * u * maxMean;
                    varBudget += (double)s.N / (s.N - 1) * Variance(u, s.N, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch])) + 6 * u * maxVar;
                }
                var sa = a.State!;
                var sb = b.State!;
                if (sa.Batches != sb.Batches) throw new PropertyViolation($"batch {k}: num_batches_tracked {sa.Batches} (native) vs {sb.Batches} (scratch)");
                for (var ch = 0; ch < c.C; ch++)
                {
                    Near(sb.Mean[ch], sa.Mean[ch], 2 * meanBudget, $"batch {k}: running mean[{ch}]");
                    Near(sb.Var[ch], sa.Var[ch], 2 * varBudget, $"batch {k}: running var[{ch}]");
                }
            }
            a.Eval();
            b.Eval();
            var xe = c.Values(0);
            var ea = TensorData.Doubles(a.Forward(c.Tensor(0)));
            var eb = TensorData.Doubles(b.Forward(c.Tensor(0)));
            var stA = a.State!;
            for (var i = 0; i < ea.Length; i++)
            {
                var ch = c.ChannelOf(i);
                var v = stA.Var[ch] + eps;
                var propagated = Math.Abs(gamma[ch]) * (2 * meanBudget / Math.Sqrt(v) + (Math.Abs(xe[i]) + Math.Abs(stA.Mean[ch])) * 2 * varBudget / (2 * v * Math.Sqrt(v)));
                Near(eb[i], ea[i], 2 * EvalBound(u, xe[i], stA.Mean[ch], stA.Var[ch], eps, ea[i], gamma[ch], beta[ch]) + propagated,
                    $"eval output y[{i}] (channel {ch})");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 9. Bookkeeping over a generated sequence of operations (train, eval, empty train batch, empty eval batch):
    /// num_batches_tracked counts the non-empty training forwards only; an eval forward or an empty batch leaves every
    /// statistic bit for bit as it was; an empty batch gives an empty output of the input's shape. Exact: no arithmetic.
    /// </summary>
    public static PropertyDef<WithExtra<int[]>> P9_Bookkeeping(BnFactory make, int maxTest = 500) => new(
        "P9 num_batches_tracked counts training forwards only; eval and empty batches change no statistic",
        BnGen.Cases(Float32Only, Gen.Choose(1, 8).SelectMany(len => Gen.Choose(0, 3).ArrayOf(len)),
            ops => Enumerable.Range(0, ops.Length).Where(_ => ops.Length > 1).Select(i => ops.Where((_, j) => j != i).ToArray())),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            using var bn = make(c.Spec with { TrackRunningStats = true }, c.C, c.SampleRank);
            long expected = 0;
            var names = new[] { "train", "eval", "empty train", "empty eval" };
            for (var step = 0; step < w.Extra.Length; step++)
            {
                var op = w.Extra[step];
                var before = bn.State!;
                if (op is 0 or 2) bn.Train(); else bn.Eval();
                var input = op < 2 ? c.Tensor() : torch.zeros(c.Shape.Select((d, i) => i == 0 ? 0 : d).ToArray());
                var output = bn.Forward(input);
                var after = bn.State!;
                if (op == 0) expected++;
                if (after.Batches != expected)
                    throw new PropertyViolation($"after step {step} ({names[op]}) num_batches_tracked is {after.Batches}, expected {expected}");
                if (op != 0 && !after.SameAs(before))
                    throw new PropertyViolation($"step {step} ({names[op]}) changed the statistics: {before} → {after}");
                if (op >= 2 && (output.numel() != 0 || !output.shape.SequenceEqual(input.shape)))
                    throw new PropertyViolation($"step {step} ({names[op]}): output shape [{string.Join(", ", output.shape)}], expected [{string.Join(", ", input.shape)}]");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// 10. keras with m_keras = 1 − m_torch and torch over the same 1–4 batches: identical running means, and running
    /// variances with var_torch − q^K = n/(n−1)·(var_keras − q^K), q = 1 − m_torch (both start at 1, so only the batch
    /// contributions carry the factor). Tolerance: each side within the per-update bounds of 6a, summed over K updates.
    /// </summary>
    public static PropertyDef<WithExtra<double>> P10_KerasTorchDuality(BnFactory make, int maxTest = 500) => new(
        "P10 keras(m) and torch(1−m): equal running means, running variances differ by exactly n/(n−1)",
        BnGen.Cases(Float32Only with { MaxBatches = 4 }, Gen.Choose(5, 95).Select(i => i / 100.0)),
        w =>
        {
            var c = w.Case;
            using var scope = torch.NewDisposeScope();
            var m = w.Extra;
            var q = 1 - m;
            var baseSpec = c.Spec with { TrackRunningStats = true, Window = 5 };
            using var t = make(baseSpec with { Convention = BnConvention.Torch, Momentum = m }, c.C, c.SampleRank);
            using var k = make(baseSpec with { Convention = BnConvention.Keras, Momentum = q }, c.C, c.SampleRank);
            var u = U(c.Precision);
            double meanBudget = 0, varBudget = 0, maxMean = 0, maxVar = 1;
            for (var b = 0; b < c.Batches; b++)
            {
                t.Forward(c.Tensor(b));
                k.Forward(c.Tensor(b));
                var s = ChannelStats.Of(c.Values(b), c.Shape);
                for (var ch = 0; ch < c.C; ch++)
                {
                    maxMean = Math.Max(maxMean, Math.Abs(s.Mean[ch]));
                    maxVar = Math.Max(maxVar, s.UnbiasedVar(ch));
                    meanBudget = Math.Max(meanBudget, Mean(u, s.N, s.MaxAbs[ch]));
                    varBudget = Math.Max(varBudget, Variance(u, s.N, s.MaxAbs[ch], Math.Sqrt(s.BiasedVar[ch])));
                }
            }
            var K = c.Batches;
            var n = c.PerChannel;
            var st = t.State!;
            var sk = k.State!;
            var qk = Math.Pow(q, K);
            for (var ch = 0; ch < c.C; ch++)
            {
                var tolMean = 2 * (meanBudget + 6 * K * u * maxMean);
                var tolVar = 2 * ((double)n / (n - 1) * varBudget + 6 * K * u * maxVar) * (1 + (double)n / (n - 1));
                Near(st.Mean[ch], sk.Mean[ch], tolMean, $"channel {ch}: running mean torch(m={m:G3}) vs keras(m={q:G3})");
                Near(st.Var[ch] - qk, (double)n / (n - 1) * (sk.Var[ch] - qk), tolVar,
                    $"channel {ch}: torch var − q^K vs n/(n−1)·(keras var − q^K), n = {n}, torch {st.Var[ch]:G7}, keras {sk.Var[ch]:G7}");
            }
        },
        maxTest);

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    static void Near(double actual, double expected, double tol, string what)
    {
        if (!(Math.Abs(actual - expected) <= tol))
            throw new PropertyViolation($"{what}: got {actual:G9}, expected {expected:G9} ± {tol:G3} (off by {Math.Abs(actual - expected):G3})");
    }

    /// <summary>
    /// Bound on one eval value γ·(x − m)·(v+ε)^-½ + β from stored statistics: the subtraction, the add, the reciprocal
    /// square root, the product and the affine multiply-add each round once: 4u·(|γ|·(|x|+|m|)/√(v+ε) + |β|) + 2u·|y|.
    /// </summary>
    static double EvalBound(double u, double x, double m, double v, double eps, double y, double gamma = 1, double beta = 0) =>
        4 * u * (Math.Abs(gamma) * (Math.Abs(x) + Math.Abs(m)) / Math.Sqrt(v + eps) + Math.Abs(beta)) + 2 * u * Math.Abs(y);

    /// <summary>Eval output of batch k equals (x − m)/√(v+ε) with the layer's own running statistics (γ=1, β=0).</summary>
    static void EvalNormalisesWithState(IBnUnderTest bn, BnCase c, int k, double eps)
    {
        var st = bn.State!;
        bn.Eval();
        var x = c.Values(k);
        var y = TensorData.Doubles(bn.Forward(c.Tensor(k)));
        var gamma = bn.Weight is null ? Enumerable.Repeat(1.0, c.C).ToArray() : TensorData.Doubles(bn.Weight);
        var beta = bn.Bias is null ? new double[c.C] : TensorData.Doubles(bn.Bias);
        var u = U(c.Precision);
        for (var i = 0; i < y.Length; i++)
        {
            var ch = c.ChannelOf(i);
            var expected = gamma[ch] * (x[i] - st.Mean[ch]) / Math.Sqrt(st.Var[ch] + eps) + beta[ch];
            Near(y[i], expected, EvalBound(u, x[i], st.Mean[ch], st.Var[ch], eps, expected, gamma[ch], beta[ch]),
                $"eval y[{i}] (channel {ch}) vs normalising with the running statistics");
        }
    }

    static void SetAffine(IBnUnderTest bn, double[] gamma, double[] beta)
    {
        using var _ = torch.no_grad();
        using var g = torch.tensor(gamma.Select(v => (float)v).ToArray(), [gamma.Length]);
        using var b = torch.tensor(beta.Select(v => (float)v).ToArray(), [beta.Length]);
        bn.Weight!.copy_(g);
        bn.Bias!.copy_(b);
    }

    /// <summary>A fixed, non-trivial upstream gradient g_i = sin(1 + 0.7·i) (values in [−1, 1]).</summary>
    static double[] Upstream(long count) => Enumerable.Range(0, (int)count).Select(i => Math.Sin(1 + 0.7 * i)).ToArray();

    static (double[] Y, double[] Dx) OutputAndGradient(IBnUnderTest bn, BnCase c, double[] g)
    {
        var x = c.Tensor().requires_grad_();
        var y = bn.Forward(x);
        y.mul(TensorData.From(g, c.Shape, c.Precision)).sum().backward();
        return (TensorData.Doubles(y.detach()), TensorData.Doubles(x.grad!));
    }

    static (double[] Y, double[] Dx, double[] DGamma, double[] DBeta) Step(IBnUnderTest bn, BnCase c, int k, double[] g)
    {
        var x = c.Tensor(k).requires_grad_();
        var y = bn.Forward(x);
        y.mul(TensorData.From(g, c.Shape, c.Precision)).sum().backward();
        // A parameter the output does not depend on has no gradient: its derivative is 0.
        double[] Grad(Tensor p) => p.grad is { } gr ? TensorData.Doubles(gr) : new double[c.C];
        var result = (TensorData.Doubles(y.detach()), TensorData.Doubles(x.grad!), Grad(bn.Weight!), Grad(bn.Bias!));
        bn.Weight!.grad = null;
        bn.Bias!.grad = null;
        return result;
    }

    static double[] PermuteRows(double[] values, int[] perm, BnCase c)
    {
        var row = (int)(c.C * c.Spatial);
        var r = new double[values.Length];
        for (var i = 0; i < perm.Length; i++) Array.Copy(values, perm[i] * row, r, i * row, row);
        return r;
    }
}
