namespace NormLab.Core.Networks;

/// <summary>How a BN layer keeps its running statistics (DESIGN.md, "BN semantics"). Training always normalises with
/// the batch mean and the biased batch variance; the conventions differ only in this bookkeeping.</summary>
public enum BnConvention
{
    /// <summary>PyTorch: r ← (1−m)·r + m·batch, running var unbiased (×n/(n−1)); m = 0.1, ε = 1e-5.</summary>
    Torch,
    /// <summary>Keras: r ← m·r + (1−m)·batch, running var biased; m = 0.99, ε = 1e-3.</summary>
    Keras,
    /// <summary>PyTorch <c>momentum=None</c>: the k-th batch weighs 1/k (a plain average), running var unbiased; ε = 1e-5.</summary>
    Cumulative,
    /// <summary>Mean of the last <see cref="BatchNorm.Window"/> batch statistics, running var unbiased; N = 5, ε = 1e-5
    /// (the "window_size" of the LeNet-BN study).</summary>
    Window,
}

/// <summary>Which code computes BN.</summary>
public enum BnImplementation
{
    /// <summary>libtorch's <c>batch_norm</c> op.</summary>
    Native,
    /// <summary>Composed from tensor ops (mean, var, rsqrt) so autograd derives the backward pass — "BN from scratch".</summary>
    Scratch,
}

/// <summary>
/// Batch normalization over every axis but the channel axis, which is the first axis of the per-sample shape: 1-d BN for a
/// (features) input, 2-d BN for a (channels, height, width) input. Training: y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β with the
/// biased batch variance σ²_B; inference uses the running statistics kept as the <see cref="Convention"/> says.
/// Parameter counts follow Keras: γ and β are trainable (when Affine), running mean and variance non-trainable (when
/// TrackRunningStats) — 2 + 2 per channel. The window convention's buffer of the last N batch statistics is bookkeeping
/// behind its running mean and variance and is not counted, so every convention reports the same counts.
/// </summary>
/// <param name="Momentum">Null means the convention's default (<see cref="ResolvedMomentum"/>). Only the torch and keras
/// conventions use a momentum — note they mean opposite things by it (torch weighs the new batch by m, keras the old value).</param>
/// <param name="Epsilon">Null means the convention's default (<see cref="ResolvedEpsilon"/>).</param>
/// <param name="Window">N of the window convention (ignored by the others).</param>
/// <param name="VirtualBatchSize">Ghost BN (Hoffer, Hubara &amp; Soudry 2017): in training the batch is split into
/// consecutive chunks of this many samples, each normalised with its own statistics, and each chunk feeds the running
/// statistics as one batch of the convention (k chunks = k updates, <c>num_batches_tracked</c> rises by k) — exactly
/// what k separate BN calls on the chunks do. Null: the whole batch. Inference is unchanged (running statistics).</param>
/// <param name="Renorm">Batch Renormalization (Ioffe 2017); null: plain BN.</param>
public sealed record BatchNorm(
    BnConvention Convention = BnConvention.Torch,
    double? Momentum = null,
    double? Epsilon = null,
    bool Affine = true,
    bool TrackRunningStats = true,
    BnImplementation Implementation = BnImplementation.Native,
    int Window = 5,
    string? Name = null,
    int? VirtualBatchSize = null,
    BatchRenorm? Renorm = null) : Layer(Name)
{
    public override string KindName => "batch_norm";

    public const double TorchMomentum = 0.1;
    public const double TorchEpsilon = 1e-5;
    public const double KerasMomentum = 0.99;
    public const double KerasEpsilon = 1e-3;
    public const int DefaultWindow = 5;

    /// <summary>True when the convention has a momentum (torch, keras).</summary>
    public bool UsesMomentum => Convention is BnConvention.Torch or BnConvention.Keras;

    /// <summary>
    /// The momentum in the convention's own meaning: the explicit value, else torch 0.1 / keras 0.99. NaN for the cumulative
    /// and window conventions, which have none (validation rejects an explicit momentum there).
    /// </summary>
    public double ResolvedMomentum => Convention switch
    {
        BnConvention.Torch => Momentum ?? TorchMomentum,
        BnConvention.Keras => Momentum ?? KerasMomentum,
        _ => double.NaN,
    };

    /// <summary>The explicit ε, else keras 1e-3 and 1e-5 for every other convention (PyTorch's default).</summary>
    public double ResolvedEpsilon => Epsilon ?? (Convention == BnConvention.Keras ? KerasEpsilon : TorchEpsilon);

    /// <summary>The convention as written in YAML and in summary.json's <c>bnConvention</c>: torch|keras|cumulative|window.</summary>
    public string ConventionName => Convention.ToString().ToLowerInvariant();

    public override Seq<Problem> FieldProblems(string path)
    {
        var momentum = Momentum switch
        {
            null => Seq<Problem>(),
            _ when !UsesMomentum && Enum.IsDefined(Convention) =>
                Seq1(new Problem(ProblemPath.Join(path, "momentum"),
                    $"is not used by the {ConventionName} convention — remove it (only torch and keras have a momentum)")),
            double m when !(m >= 0 && m <= 1) =>
                Seq1(new Problem(ProblemPath.Join(path, "momentum"), $"must be in [0, 1] (got {Format.Number(m)})")),
            _ => Seq<Problem>(),
        };
        var epsilon = Epsilon is double e ? Checks.PositiveFinite(path, "epsilon", e) : Seq<Problem>();
        return Checks.Defined(path, "convention", Convention)
             + momentum
             + epsilon
             + Checks.Defined(path, "implementation", Implementation)
             + Checks.Positive(path, "window", Window)
             + (VirtualBatchSize is int v ? Checks.Positive(path, "virtualBatchSize", v) : Seq<Problem>())
             + (Renorm is { } r ? r.Problems(ProblemPath.Join(path, "renorm"), TrackRunningStats) : Seq<Problem>())
             + Checks.Name(path, Name);
    }
}

/// <summary>
/// Batch Renormalization (Ioffe 2017, "Batch Renormalization: Towards Reducing Minibatch Dependence in Batch-Normalized
/// Models", Algorithm 1): in training x̂ = (x − μ_B)/σ_B · r + d with σ_B = √(σ²_B + ε), σ = √(running var + ε),
/// r = clip(σ_B/σ, 1/rMax, rMax) and d = clip((μ_B − μ)/σ, −dMax, dMax), r and d constants in the backward pass. The
/// limits follow a schedule over the layer's training updates t (its <c>num_batches_tracked</c> before the update):
/// plain BN (rMax 1, dMax 0) while t &lt; WarmupSteps, then rMax 1 → RMax and dMax 0 → DMax linearly over RampSteps, then
/// the given limits. The paper's final limits are rMax 3, dMax 5 (the defaults). Inference is BN's (running statistics).
/// </summary>
public sealed record BatchRenorm(double RMax = 3, double DMax = 5, int WarmupSteps = 0, int RampSteps = 0)
{
    /// <summary>The (rMax, dMax) in force at training update <paramref name="t"/> (0-based).</summary>
    public (double RMax, double DMax) LimitsAt(long t)
    {
        if (t < WarmupSteps) return (1, 0);
        if (t >= (long)WarmupSteps + RampSteps) return (RMax, DMax);
        var f = (double)(t - WarmupSteps) / RampSteps;
        return (1 + (RMax - 1) * f, DMax * f);
    }

    public Seq<Problem> Problems(string path, bool trackRunningStats)
    {
        var problems = Seq<Problem>();
        if (!(RMax >= 1 && double.IsFinite(RMax)))
            problems = problems.Add(new Problem(ProblemPath.Join(path, "rMax"), $"must be >= 1 (got {Format.Number(RMax)}) — r is clipped to [1/rMax, rMax]; rMax 1 means r = 1"));
        if (!(DMax >= 0 && double.IsFinite(DMax)))
            problems = problems.Add(new Problem(ProblemPath.Join(path, "dMax"), $"must be >= 0 (got {Format.Number(DMax)}) — d is clipped to [−dMax, dMax]; dMax 0 means d = 0"));
        if (WarmupSteps < 0)
            problems = problems.Add(new Problem(ProblemPath.Join(path, "warmupSteps"), $"must be >= 0 (got {Format.Number(WarmupSteps)})"));
        if (RampSteps < 0)
            problems = problems.Add(new Problem(ProblemPath.Join(path, "rampSteps"), $"must be >= 0 (got {Format.Number(RampSteps)})"));
        if (!trackRunningStats)
            problems = problems.Add(new Problem(path, "needs running statistics (r and d compare the batch with them) — remove trackRunningStats: false or renorm"));
        return problems;
    }
}
