namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>One deliberate bug in a BN. <see cref="None"/> is the correct reference the mutants are derived from.</summary>
public enum Mutation
{
    None,
    /// <summary>Training normalises with the unbiased (n−1) batch variance instead of the biased one.</summary>
    UnbiasedVarianceInTraining,
    /// <summary>ε left out of the square root.</summary>
    ForgetEpsilon,
    /// <summary>Subtracts the mean for the variance but not from x: x / √(σ² + ε).</summary>
    ForgetCentering,
    /// <summary>Training normalises with the running statistics (updated first), as if always in eval.</summary>
    RunningStatsInTraining,
    /// <summary>Eval normalises with the batch's own statistics, as if still training.</summary>
    EvalUsesBatchStatistics,
    /// <summary>Eval still updates the running statistics.</summary>
    UpdateStatsInEval,
    /// <summary>num_batches_tracked never rises.</summary>
    NotCountingBatches,
    /// <summary>An empty batch counts as a batch (and "updates" with zero statistics).</summary>
    EmptyBatchCounts,
    /// <summary>keras convention with torch's meaning of momentum: r ← (1−m)·r + m·batch.</summary>
    KerasMomentumTorchStyle,
    /// <summary>keras convention storing the unbiased variance.</summary>
    KerasStoresUnbiased,
    /// <summary>torch convention storing the biased variance.</summary>
    TorchStoresBiased,
    /// <summary>cumulative convention weighing the k-th batch by 1/(k+1).</summary>
    CumulativeOneOverKPlusOne,
    /// <summary>window convention averaging the last N+1 batches (off by one).</summary>
    WindowOneTooMany,
    /// <summary>Off-by-one: batch statistics from the first N−1 rows only (permutation-sensitive).</summary>
    StatisticsSkipLastRow,
    /// <summary>γ·x̂, β forgotten.</summary>
    AffineIgnoresBeta,
    /// <summary>Batch mean and variance treated as constants in the backward pass (detached).</summary>
    DetachedStatistics,
    /// <summary>trackRunningStats=false, yet eval normalises with the initial statistics (mean 0, var 1).</summary>
    UntrackedEvalUsesInitialStatistics,
}

/// <summary>
/// A BN composed from tensor ops (autograd derives the backward pass), written independently of the engine's from the
/// DESIGN.md table, with one <see cref="Mutation"/> switched in. With <see cref="Mutation.None"/> it is a correct BN and
/// passes every property (a test checks that), so a property that fails on a mutant fails because of the mutation.
/// Running statistics are kept in double on the managed side.
/// </summary>
public sealed class MutantBn : IBnUnderTest
{
    private readonly Mutation mutation;
    private readonly long channels;
    private readonly long[] reduceDims;
    private readonly long[] broadcast;
    private readonly double[] mean;
    private readonly double[] var;
    private readonly Queue<(double[] Mean, double[] Var)> window = new();
    private long batches;
    private bool training = true;

    public MutantBn(NormLab.Core.Networks.BatchNorm spec, long channels, int sampleRank, Mutation mutation)
    {
        Spec = spec;
        this.mutation = mutation;
        this.channels = channels;
        reduceDims = sampleRank == 1 ? [0] : [0, 2, 3];
        broadcast = sampleRank == 1 ? [1, channels] : [1, channels, 1, 1];
        mean = new double[channels];
        var = Enumerable.Repeat(1.0, (int)channels).ToArray();
        if (spec.Affine)
        {
            Weight = torch.ones([channels]).DetachFromDisposeScope().requires_grad_();
            Bias = torch.zeros([channels]).DetachFromDisposeScope().requires_grad_();
        }
    }

    public static BnFactory Factory(Mutation m) => (spec, channels, rank) => new MutantBn(spec, channels, rank, m);

    public NormLab.Core.Networks.BatchNorm Spec { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public BnState? State => Spec.TrackRunningStats ? new BnState((double[])mean.Clone(), (double[])var.Clone(), batches) : null;
    public void Train() => training = true;
    public void Eval() => training = false;

    public Tensor Forward(Tensor x)
    {
        var track = Spec.TrackRunningStats;
        if (x.shape[0] == 0)
        {
            if (mutation == Mutation.EmptyBatchCounts && track && training) Update(new double[channels], new double[channels], 2);
            return x.clone();
        }
        var eps = Spec.ResolvedEpsilon;
        var useBatch = (training || !track) && mutation != Mutation.RunningStatsInTraining || mutation == Mutation.EvalUsesBatchStatistics;
        if (!training && !track && mutation == Mutation.UntrackedEvalUsesInitialStatistics) useBatch = false;
        var n = x.numel() / channels;
        var update = track && (training || mutation == Mutation.UpdateStatsInEval);
        Tensor xhat;
        if (update && !useBatch) UpdateFrom(x, n);   // RunningStatsInTraining: update first, then normalise with them
        if (useBatch)
        {
            var xs = mutation == Mutation.StatisticsSkipLastRow && x.shape[0] > 1 ? x.narrow(0, 0, x.shape[0] - 1) : x;
            var mu = xs.mean(reduceDims, keepdim: true);
            var centred = xs - mu;
            var v = (centred * centred).mean(reduceDims, keepdim: true);
            if (mutation == Mutation.UnbiasedVarianceInTraining && training) v = v * ((double)n / (n - 1));
            if (mutation == Mutation.DetachedStatistics) { mu = mu.detach(); v = v.detach(); }
            var inv = mutation == Mutation.ForgetEpsilon ? v.rsqrt() : (v + eps).rsqrt();
            xhat = (mutation == Mutation.ForgetCentering ? x : x - mu) * inv;
            if (update) UpdateFrom(x, n);
        }
        else
        {
            var (m, v) = track && mutation != Mutation.UntrackedEvalUsesInitialStatistics
                ? (mean, var)
                : (new double[channels], Enumerable.Repeat(1.0, (int)channels).ToArray());
            using var rm = torch.tensor(m, [channels]).to_type(x.dtype);
            using var rv = torch.tensor(v, [channels]).to_type(x.dtype);
            xhat = (x - rm.view(broadcast)) * (rv.view(broadcast) + eps).rsqrt();
        }
        if (Weight is null || Bias is null) return xhat;
        var scaled = xhat * Weight.view(broadcast);
        return mutation == Mutation.AffineIgnoresBeta ? scaled : scaled + Bias.view(broadcast);
    }

    private void UpdateFrom(Tensor x, long n)
    {
        using var _ = torch.no_grad();
        var (v, m) = x.var_mean(reduceDims, unbiased: false);
        Update(TensorDataOf(m), TensorDataOf(v), n);
        v.Dispose();
        m.Dispose();
    }

    private static double[] TensorDataOf(Tensor t) => Infrastructure.TensorData.Doubles(t);

    private void Update(double[] batchMean, double[] batchVar, long n)
    {
        var unbiased = batchVar.Select(v => v * n / (n - 1)).ToArray();
        switch (Spec.Convention)
        {
            case BnConvention.Torch:
            {
                var m = Spec.ResolvedMomentum;
                var stored = mutation == Mutation.TorchStoresBiased ? batchVar : unbiased;
                for (var c = 0; c < channels; c++) { mean[c] = (1 - m) * mean[c] + m * batchMean[c]; var[c] = (1 - m) * var[c] + m * stored[c]; }
                break;
            }
            case BnConvention.Keras:
            {
                var m = Spec.ResolvedMomentum;
                if (mutation == Mutation.KerasMomentumTorchStyle) m = 1 - m;
                var stored = mutation == Mutation.KerasStoresUnbiased ? unbiased : batchVar;
                for (var c = 0; c < channels; c++) { mean[c] = m * mean[c] + (1 - m) * batchMean[c]; var[c] = m * var[c] + (1 - m) * stored[c]; }
                break;
            }
            case BnConvention.Cumulative:
            {
                var k = (mutation == Mutation.NotCountingBatches ? 0 : batches) + 1;
                var w = mutation == Mutation.CumulativeOneOverKPlusOne ? 1.0 / (k + 1) : 1.0 / k;
                for (var c = 0; c < channels; c++) { mean[c] = (1 - w) * mean[c] + w * batchMean[c]; var[c] = (1 - w) * var[c] + w * unbiased[c]; }
                break;
            }
            case BnConvention.Window:
            {
                window.Enqueue((batchMean, unbiased));
                while (window.Count > Spec.Window + (mutation == Mutation.WindowOneTooMany ? 1 : 0)) window.Dequeue();
                for (var c = 0; c < channels; c++)
                {
                    mean[c] = window.Average(s => s.Mean[c]);
                    var[c] = window.Average(s => s.Var[c]);
                }
                break;
            }
        }
        if (mutation != Mutation.NotCountingBatches) batches++;
    }

    public void Dispose()
    {
        Weight?.Dispose();
        Bias?.Dispose();
    }
}
