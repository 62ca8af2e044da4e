using NormLab.Core.Networks;

namespace NormLab.Engine.Normalization;

/// <summary>
/// BN's bookkeeping, one parameterisation per convention (DESIGN.md, "BN semantics"); the normalisation itself is the
/// same for all of them. Holds the running mean/variance buffers and applies the update rule after a training batch:
/// <list type="bullet">
/// <item>torch: r ← (1−m)·r + m·batch, running var stores the unbiased batch variance (× n/(n−1)); m = 0.1.</item>
/// <item>keras: r ← m·r + (1−m)·batch, running var stores the biased batch variance; m = 0.99.</item>
/// <item>cumulative (PyTorch momentum=None): the k-th batch weighs 1/k, i.e. the plain mean of all batch statistics; unbiased.</item>
/// <item>window N: the mean of the last N batch statistics (fewer before N batches); unbiased.</item>
/// </list>
/// Running mean starts at 0, running var at 1. All updates run without autograd.
/// </summary>
internal sealed class RunningStatistics : IDisposable
{
    private readonly BatchNorm spec;
    private readonly Tensor[] windowMeans;
    private readonly Tensor[] windowVars;
    private int windowFill;
    private int windowNext;

    internal RunningStatistics(BatchNorm spec, long channels, Device device)
    {
        this.spec = spec;
        Mean = torch.zeros(channels, device: device).DetachFromDisposeScope();
        Var = torch.ones(channels, device: device).DetachFromDisposeScope();
        NumBatchesTracked = torch.tensor(0L, device: device).DetachFromDisposeScope();
        var n = spec.Convention == BnConvention.Window ? spec.Window : 0;
        windowMeans = Enumerable.Range(0, n).Select(_ => torch.zeros(channels, device: device).DetachFromDisposeScope()).ToArray();
        windowVars = Enumerable.Range(0, n).Select(_ => torch.ones(channels, device: device).DetachFromDisposeScope()).ToArray();
    }

    internal Tensor Mean { get; }
    internal Tensor Var { get; }

    /// <summary>PyTorch's int64 <c>num_batches_tracked</c> buffer, kept equal to <see cref="BatchesTracked"/>.</summary>
    internal Tensor NumBatchesTracked { get; }

    /// <summary>Training forwards seen (PyTorch's num_batches_tracked): +1 per training forward, never in eval. Kept on
    /// the .NET side too, so the cumulative momentum needs no device read per step.</summary>
    internal long BatchesTracked { get; private set; }

    private void Count()
    {
        BatchesTracked++;
        NumBatchesTracked.add_(1);
    }

    /// <summary>After a state_dict load: the .NET-side count follows the loaded buffer.</summary>
    internal void SyncCountFromBuffer() => BatchesTracked = NumBatchesTracked.item<long>();

    /// <summary>
    /// The momentum libtorch's own batch_norm must use to perform this convention's update in place, or None where
    /// libtorch's rule cannot express it (keras stores a biased variance; window averages a ring).
    /// </summary>
    internal Option<double> NativeMomentum => spec.Convention switch
    {
        BnConvention.Torch => spec.ResolvedMomentum,
        // torch-style cumulative average: exponential_average_factor = 1 / num_batches_tracked (after the increment).
        BnConvention.Cumulative => 1.0 / (BatchesTracked + 1),
        _ => None,
    };

    /// <summary>Records that libtorch updated the buffers itself (the torch and cumulative fast path).</summary>
    internal void CountNativeUpdate() => Count();

    /// <summary>
    /// The exponential rules as <c>r ← keep·r + take·batch</c> for mean and variance alike, and the factor that turns the
    /// biased batch variance into the stored one (n/(n−1): torch-style unbiased; 1: keras keeps it biased). None for window.
    /// </summary>
    private (double Keep, double Take, double VarScale)? Rule(long n)
    {
        var unbiased = (double)n / (n - 1);
        return spec.Convention switch
        {
            BnConvention.Torch => (1 - spec.ResolvedMomentum, spec.ResolvedMomentum, unbiased),
            // keras-style: r ← m·r + (1−m)·batch, and the variance is kept biased.
            BnConvention.Keras => (spec.ResolvedMomentum, 1 - spec.ResolvedMomentum, 1.0),
            // the k-th batch weighs 1/k: the plain mean of every batch so far.
            BnConvention.Cumulative => (1 - 1.0 / (BatchesTracked + 1), 1.0 / (BatchesTracked + 1), unbiased),
            _ => null,
        };
    }

    /// <summary>
    /// Applies the convention's rule from a training batch <paramref name="x"/> (n values per channel), for the native path
    /// where libtorch's batch_norm cannot do it in place (keras keeps a biased variance, window averages a ring): the batch
    /// mean and biased variance over <paramref name="reduceDims"/> in one var_mean, then <see cref="Update"/>.
    /// </summary>
    internal void UpdateFromInput(Tensor x, long[] reduceDims, long n)
    {
        using var _ = torch.no_grad();
        var (v, m) = torch.var_mean(x, reduceDims, unbiased: false);
        using (v)
        using (m)
            Update(m, v, n);
    }

    /// <summary>Applies the convention's rule from one batch's mean and biased variance over <paramref name="n"/> values per channel.</summary>
    internal void Update(Tensor batchMean, Tensor batchVarBiased, long n)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        if (Rule(n) is { } rule)
        {
            var (keep, take, varScale) = rule;
            Mean.mul_(keep).add_(batchMean, take);
            Var.mul_(keep).add_(varScale == 1.0 ? batchVarBiased : batchVarBiased * varScale, take);
        }
        else
        {
            // window: the mean of the last N batch statistics (unbiased variances).
            windowMeans[windowNext].copy_(batchMean);
            windowVars[windowNext].copy_(batchVarBiased * ((double)n / (n - 1)));
            windowNext = (windowNext + 1) % windowMeans.Length;
            windowFill = Math.Min(windowFill + 1, windowMeans.Length);
            Mean.zero_();
            Var.zero_();
            for (var i = 0; i < windowFill; i++)
            {
                Mean.add_(windowMeans[i], 1.0 / windowFill);
                Var.add_(windowVars[i], 1.0 / windowFill);
            }
        }
        Count();
    }

    /// <summary>The window ring (means and unbiased variances, oldest slot first in storage order) and its cursor
    /// (filled slots, next slot): checkpoint state that is not part of the state_dict. Empty for other conventions.</summary>
    internal (IReadOnlyList<Tensor> Means, IReadOnlyList<Tensor> Vars, int Fill, int Next) Window => (windowMeans, windowVars, windowFill, windowNext);

    /// <summary>Restores the window ring from a checkpoint: slot values are copied in, the cursor set.</summary>
    internal void RestoreWindow(IReadOnlyList<Tensor> means, IReadOnlyList<Tensor> vars, int fill, int next)
    {
        if (means.Count != windowMeans.Length || vars.Count != windowVars.Length)
            throw new ArgumentException($"the checkpoint holds a window of {means.Count}, the layer has {windowMeans.Length}");
        if (fill < 0 || fill > windowMeans.Length || next < 0 || (windowMeans.Length > 0 && next >= windowMeans.Length))
            throw new ArgumentException($"window cursor fill {fill}, next {next} is outside a window of {windowMeans.Length}");
        using var _ = torch.no_grad();
        for (var i = 0; i < windowMeans.Length; i++)
        {
            windowMeans[i].copy_(means[i]);
            windowVars[i].copy_(vars[i]);
        }
        windowFill = fill;
        windowNext = next;
    }

    /// <summary>
    /// The .NET-side bookkeeping a training forward changes beside the buffers: the batch count (the cumulative momentum
    /// and the renorm schedule read it) and the window ring with its cursor (<see cref="IStatefulModule"/>).
    /// </summary>
    internal ModuleState CaptureState()
    {
        var (batches, fill, next) = (BatchesTracked, windowFill, windowNext);
        Tensor[] means, vars;
        using (torch.no_grad())
        {
            means = windowMeans.Select(t => t.clone().DetachFromDisposeScope()).ToArray();
            vars = windowVars.Select(t => t.clone().DetachFromDisposeScope()).ToArray();
        }
        return new ModuleState(() =>
        {
            BatchesTracked = batches;
            RestoreWindow(means, vars, fill, next);
        }, [.. means, .. vars]);
    }

    public void Dispose()
    {
        Mean.Dispose();
        Var.Dispose();
        NumBatchesTracked.Dispose();
        foreach (var t in windowMeans.Concat(windowVars)) t.Dispose();
    }
}
