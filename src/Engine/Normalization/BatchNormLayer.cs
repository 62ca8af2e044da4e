using NormLab.Core.Networks;

namespace NormLab.Engine.Normalization;

/// <summary>
/// Batch normalisation, one module for every convention and both implementations (tinygrad's habit: variants are
/// parameterisations of one core, not copies). Training normalises with the batch mean and the biased batch variance
/// over every axis but the channel axis, ε inside the square root, then γ·x̂ + β; eval uses the running statistics.
/// <list type="bullet">
/// <item><b>native</b> calls libtorch's batch_norm (and lets it update torch/cumulative statistics in place).</item>
/// <item><b>scratch</b> composes mean, variance and rsqrt from tensor ops; autograd derives the backward pass
/// (the "BN from scratch" of the LeNet study).</item>
/// </list>
/// The conventions differ only in bookkeeping (<see cref="RunningStatistics"/>). Written the way TorchSharp's own
/// NormBase is: parameters and buffers registered under PyTorch's names (<c>weight</c>, <c>bias</c>, <c>running_mean</c>,
/// <c>running_var</c>, <c>num_batches_tracked</c>), so state_dict keys line up with PyTorch's; the window ring stays private. Guards libtorch lacks: one value per
/// channel in training, wrong rank, wrong channel count, wrong statistics size — each a <see cref="LayerException"/>.
/// </summary>
public sealed class BatchNormLayer : Module, IStatefulModule
{
    private readonly RunningStatistics? stats;
    private readonly long[] reduceDims;
    private readonly long[] broadcastShape;

    /// <param name="spec">The record this layer was compiled from.</param>
    /// <param name="channels">Features (1-d) or channels (2-d): the first per-sample axis.</param>
    /// <param name="sampleRank">1 for (features) input, 3 for (channels, height, width).</param>
    public BatchNormLayer(BatchNorm spec, long channels, int sampleRank, string name, Device? device = null) : base(name)
    {
        if (sampleRank is not (1 or 3))
            throw new LayerException(name, $"batch_norm needs a (features) or (channels, height, width) input, got a rank-{sampleRank} sample");
        Spec = spec;
        Channels = channels;
        SampleRank = sampleRank;
        reduceDims = sampleRank == 1 ? [0] : [0, 2, 3];
        broadcastShape = sampleRank == 1 ? [1, channels] : [1, channels, 1, 1];
        device ??= CPU;
        if (spec.Affine)
        {
            weight = nn.Parameter(torch.ones(channels, device: device));   // γ = 1
            bias = nn.Parameter(torch.zeros(channels, device: device));    // β = 0
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }
        if (spec.TrackRunningStats)
        {
            stats = new RunningStatistics(spec, channels, device);
            register_buffer("running_mean", stats.Mean);
            register_buffer("running_var", stats.Var);
            register_buffer("num_batches_tracked", stats.NumBatchesTracked);
        }
    }

    public BatchNorm Spec { get; }
    public long Channels { get; }
    public int SampleRank { get; }
    public Parameter? weight { get; }
    public Parameter? bias { get; }
    public Tensor? running_mean => stats?.Mean;
    public Tensor? running_var => stats?.Var;
    public long num_batches_tracked => stats?.BatchesTracked ?? 0;

    /// <summary>The layer's running statistics, or None when it does not track them.</summary>
    public Option<BnStatistics> Statistics => stats is null
        ? None
        : Some(new BnStatistics(GetName(), Spec.Convention, ToArray(stats.Mean), ToArray(stats.Var), stats.BatchesTracked));

    private static float[] ToArray(Tensor t)
    {
        using var cpu = t.cpu();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Replaces the running statistics (e.g. restored from a checkpoint); sizes must equal the channel count.</summary>
    public void LoadStatistics(ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar)
    {
        if (stats is null) throw new LayerException(GetName(), "has no running statistics (trackRunningStats: false)");
        if (runningMean.Length != Channels || runningVar.Length != Channels)
            throw new LayerException(GetName(), $"statistics of size {runningMean.Length}/{runningVar.Length} do not fit {Channels} channels");
        using var _ = no_grad();
        using (var m = torch.tensor(runningMean.ToArray(), device: stats.Mean.device)) stats.Mean.copy_(m);
        using (var v = torch.tensor(runningVar.ToArray(), device: stats.Var.device)) stats.Var.copy_(v);
    }

    /// <summary>
    /// The window convention's ring as named tensors for a checkpoint (<c>window_means</c> [N, C], <c>window_vars</c> [N, C],
    /// <c>window_cursor</c> int64 [fill, next]); empty for every other convention. Not part of the state_dict: PyTorch's
    /// BN has no ring, so model.safetensors stays loadable there.
    /// </summary>
    public IEnumerable<(string Name, Tensor Value)> WindowState()
    {
        if (stats is null || Spec.Convention != BnConvention.Window) yield break;
        var (means, vars, fill, next) = stats.Window;
        yield return ("window_means", torch.stack(means));
        yield return ("window_vars", torch.stack(vars));
        yield return ("window_cursor", torch.tensor(new long[] { fill, next }));
    }

    /// <summary>Restores what <see cref="WindowState"/> gave (tensors looked up by the same names).</summary>
    public void RestoreWindowState(Func<string, Tensor> get)
    {
        if (stats is null || Spec.Convention != BnConvention.Window) return;
        var means = get("window_means");
        var vars = get("window_vars");
        var cursor = get("window_cursor").data<long>().ToArray();
        if (cursor.Length != 2) throw new LayerException(GetName(), "checkpoint window cursor must hold [fill, next]");
        stats.RestoreWindow(means.unbind(0), vars.unbind(0), (int)cursor[0], (int)cursor[1]);
    }

    /// <summary>After <c>load_state_dict</c>: the .NET-side batch count follows the loaded num_batches_tracked.</summary>
    public void SyncAfterLoad() => stats?.SyncCountFromBuffer();

    /// <summary>The batch counter and the window ring (the buffers are the caller's to copy); nothing without running statistics.</summary>
    ModuleState IStatefulModule.CaptureState() => stats?.CaptureState() ?? ModuleState.None;

    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        CheckInput(shape);
        // An empty batch gives an empty output and leaves the statistics alone.
        if (shape[0] == 0) return input.clone();
        var estimating = precise is not null;
        var useBatchStatistics = training || stats is null || estimating;
        // Ghost BN: chunks of virtualBatchSize, each a batch of its own (its statistics, its running-statistics update).
        if (useBatchStatistics && Spec.VirtualBatchSize is int v && shape[0] > v)
        {
            var chunks = input.split(v, 0);
            var outputs = new List<Tensor>(chunks.Length);
            try
            {
                foreach (var chunk in chunks) outputs.Add(Batch(chunk, useBatchStatistics: true, estimating));
                return torch.cat(outputs, 0);
            }
            finally
            {
                foreach (var t in outputs) t.Dispose();
                foreach (var t in chunks) t.Dispose();
            }
        }
        return Batch(input, useBatchStatistics, estimating);
    }

    /// <summary>One (virtual) batch: BN, or Batch Renormalization when training with renorm.</summary>
    private Tensor Batch(Tensor x, bool useBatchStatistics, bool estimating)
    {
        var valuesPerChannel = x.numel() / Channels;
        if (useBatchStatistics && valuesPerChannel <= 1)
            throw new LayerException(GetName(),
                $"a training batch needs more than one value per channel (input [{string.Join(", ", x.shape)}]) — use a batch size > 1" +
                (Spec.VirtualBatchSize is int v ? $" and a virtualBatchSize > 1 (got {v}) that leaves no chunk of one sample" : "") +
                ", or eval() to normalise with the running statistics");
        if (estimating) precise!.Add(x, reduceDims, valuesPerChannel);
        var updateStatistics = training && stats is not null && !estimating;
        if (updateStatistics && Spec.Renorm is { } renorm) return Renormalised(x, renorm, valuesPerChannel);
        return Spec.Implementation == BnImplementation.Native
            ? Native(x, useBatchStatistics, updateStatistics, valuesPerChannel)
            : Scratch(x, useBatchStatistics, updateStatistics, valuesPerChannel);
    }

    /// <summary>
    /// Batch Renormalization (Ioffe 2017, Algorithm 1), composed from tensor ops for either implementation:
    /// x̂ = (x − μ_B)·(σ²_B + ε)^-½ · r + d, r = clip(√(σ²_B + ε)/√(v + ε), 1/rMax, rMax), d = clip((μ_B − μ)/√(v + ε), −dMax, dMax)
    /// with μ, v the running statistics before this batch's update and (rMax, dMax) the schedule's at num_batches_tracked.
    /// r and d are computed without autograd (the paper's stop_gradient), so with r = 1, d = 0 this is BN in output and gradient.
    /// </summary>
    private Tensor Renormalised(Tensor x, BatchRenorm renorm, long n)
    {
        var eps = Spec.ResolvedEpsilon;
        var (rMax, dMax) = renorm.LimitsAt(stats!.BatchesTracked);
        using var mean = x.mean(reduceDims, keepdim: true);
        using var centered = x - mean;
        using var squared = centered * centered;
        using var variance = squared.mean(reduceDims, keepdim: true);
        using var inv = (variance + eps).rsqrt();
        using var bn = centered * inv;
        Tensor r, d;
        using (torch.no_grad())
        {
            using var rm = stats.Mean.view(broadcastShape);
            using var rv = stats.Var.view(broadcastShape);
            using var sigma = (rv + eps).sqrt();
            using var ratio = ((variance + eps) / (rv + eps)).sqrt();
            r = ratio.clamp(1.0 / rMax, rMax);
            using var shift = (mean - rm) / sigma;
            d = shift.clamp(-dMax, dMax);
            using var m = mean.reshape(Channels);
            using var v = variance.reshape(Channels);
            stats.Update(m, v, n);
        }
        Tensor xhat;
        using (r)
        using (d)
        using (var scaled = bn * r)
            xhat = scaled + d;
        if (weight is null || bias is null) return xhat;
        using (xhat)
        using (var g = weight.view(broadcastShape))
        using (var b = bias.view(broadcastShape))
        using (var gx = xhat * g)
            return gx + b;
    }

    private PreciseAccumulator? precise;

    /// <summary>
    /// Precise BN (Wu &amp; Johnson 2021): from now on every forward normalises with the batch's (or chunk's) own
    /// statistics, leaves the running statistics alone and accumulates the exact moments of every value it sees.
    /// <see cref="EndPreciseStatistics"/> turns them into running statistics.
    /// </summary>
    public void BeginPreciseStatistics()
    {
        if (stats is null) throw new LayerException(GetName(), "has no running statistics to re-estimate (trackRunningStats: false)");
        precise?.Dispose();
        precise = new PreciseAccumulator(Channels, stats.Mean.device);
    }

    /// <summary>
    /// Replaces the running mean and variance by the population statistics of every value seen since
    /// <see cref="BeginPreciseStatistics"/>: the mean, and the variance stored as the convention stores it (keras biased,
    /// the others unbiased, × M/(M−1) over the M values per channel). num_batches_tracked is left as training left it.
    /// </summary>
    public void EndPreciseStatistics()
    {
        if (precise is null) throw new InvalidOperationException($"{GetName()}: no precise-statistics pass was begun");
        using var acc = precise;
        precise = null;
        if (acc.Count < 2) throw new LayerException(GetName(), "precise BN saw fewer than two values per channel");
        var (mean, varBiased) = acc.Result();
        var scale = Spec.Convention == BnConvention.Keras ? 1.0 : (double)acc.Count / (acc.Count - 1);
        using var _ = no_grad();
        using var m = mean.to_type(stats!.Mean.dtype);
        using var v = (varBiased * scale).to_type(stats.Var.dtype);
        stats.Mean.copy_(m);
        stats.Var.copy_(v);
        mean.Dispose();
        varBiased.Dispose();
    }

    private Tensor Native(Tensor x, bool useBatchStatistics, bool updateStatistics, long n)
    {
        CheckNativeDtype(x);
        var eps = Spec.ResolvedEpsilon;
        if (!useBatchStatistics)
            return nn.functional.batch_norm(x, stats!.Mean, stats.Var, weight, bias, training: false, momentum: 0, eps: eps);
        if (updateStatistics && stats!.NativeMomentum.IfNone(double.NaN) is var m && !double.IsNaN(m))
        {
            // libtorch's own update is exactly the torch (and cumulative) rule: let it do the work in place.
            var y = nn.functional.batch_norm(x, stats.Mean, stats.Var, weight, bias, training: true, momentum: m, eps: eps);
            stats.CountNativeUpdate();
            return y;
        }
        var output = nn.functional.batch_norm(x, null, null, weight, bias, training: true, momentum: 0, eps: eps);
        if (updateStatistics) stats!.UpdateFromInput(x, reduceDims, n);
        return output;
    }

    private Tensor Scratch(Tensor x, bool useBatchStatistics, bool updateStatistics, long n)
    {
        var eps = Spec.ResolvedEpsilon;
        Tensor xhat;
        if (useBatchStatistics)
        {
            using var mean = x.mean(reduceDims, keepdim: true);
            using var centered = x - mean;
            using var squared = centered * centered;
            // Biased variance: divide by n, not n − 1 (BN normalises with the batch's own spread).
            using var variance = squared.mean(reduceDims, keepdim: true);
            using var inv = (variance + eps).rsqrt();
            xhat = centered * inv;
            if (updateStatistics)
            {
                using var _ = torch.no_grad();
                using var m = mean.reshape(Channels);
                using var v = variance.reshape(Channels);
                stats!.Update(m, v, n);
            }
        }
        else
        {
            using var rm = stats!.Mean.view(broadcastShape);
            using var rv = stats.Var.view(broadcastShape);
            using var centered = x - rm;
            using var inv = (rv + eps).rsqrt();
            xhat = centered * inv;
        }
        if (weight is null || bias is null) return xhat;
        using (xhat)
        using (var g = weight.view(broadcastShape))
        using (var b = bias.view(broadcastShape))
        using (var scaled = xhat * g)
            return scaled + b;
    }

    private void CheckInput(long[] shape)
    {
        if (shape.Length != SampleRank + 1)
            throw new LayerException(GetName(),
                $"expects a rank-{SampleRank + 1} input ({(SampleRank == 1 ? "batch, features" : "batch, channels, height, width")}) but got [{string.Join(", ", shape)}]");
        if (shape[1] != Channels)
            throw new LayerException(GetName(), $"expects {Channels} channels but the input has {shape[1]} ([{string.Join(", ", shape)}])");
    }

    /// <summary>libtorch's native batch_norm needs input, γ/β and statistics in one dtype, and says otherwise only
    /// "mixed dtype (CPU): expect input to have scalar type of BFloat16" — so we say it, naming the layer.</summary>
    private void CheckNativeDtype(Tensor input)
    {
        var state = weight ?? stats?.Mean;
        if (state is null) return;
        var (want, got) = (state.dtype, input.dtype);
        if (want != got)
            throw new LayerException(GetName(), $"native batch_norm needs a {want} input like its parameters and statistics, got {got} — convert the input with to_type(ScalarType.{want})");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight?.Dispose();
            bias?.Dispose();
            stats?.Dispose();
            precise?.Dispose();
        }
        base.Dispose(disposing);
    }
}
