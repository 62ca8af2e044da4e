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
public sealed class BatchNormLayer : Module
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

    /// <summary>After <c>load_state_dict</c>: the .NET-side batch count follows the loaded num_batches_tracked.</summary>
    public void SyncAfterLoad() => stats?.SyncCountFromBuffer();

    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        CheckInput(shape);
        // An empty batch gives an empty output and leaves the statistics alone.
        if (shape[0] == 0) return input.clone();
        var useBatchStatistics = training || stats is null;
        var valuesPerChannel = input.numel() / Channels;
        if (useBatchStatistics && valuesPerChannel <= 1)
            throw new LayerException(GetName(),
                $"a training batch needs more than one value per channel (input [{string.Join(", ", shape)}]) — use a batch size > 1, or eval() to normalise with the running statistics");
        var updateStatistics = training && stats is not null;
        return Spec.Implementation == BnImplementation.Native
            ? Native(input, useBatchStatistics, updateStatistics, valuesPerChannel)
            : Scratch(input, useBatchStatistics, updateStatistics, valuesPerChannel);
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
        }
        base.Dispose(disposing);
    }
}
