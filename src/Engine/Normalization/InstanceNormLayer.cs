namespace NormLab.Engine.Normalization;

/// <summary>
/// Instance normalization through libtorch's <c>instance_norm</c>, PyTorch's <c>nn.InstanceNorm2d</c> in every
/// respect: each sample and channel normalised over its spatial positions (biased variance, ε inside the root), optional
/// per-channel γ/β (<c>weight</c>, <c>bias</c>) and, with trackRunningStats, <c>running_mean</c>, <c>running_var</c>
/// (libtorch's update: momentum 0.1, the batch mean of the per-instance statistics, unbiased variance) and
/// <c>num_batches_tracked</c>, used in eval. Without running statistics eval normalises with the instance's own.
/// </summary>
public sealed class InstanceNormLayer : Module
{
    private readonly double eps;
    private readonly Tensor? runningMean;
    private readonly Tensor? runningVar;
    private readonly Tensor? batchesTracked;

    public InstanceNormLayer(Core.Networks.InstanceNorm spec, long channels, string name, Device? device = null) : base(name)
    {
        device ??= CPU;
        Spec = spec;
        Channels = channels;
        eps = spec.Epsilon;
        if (spec.Affine)
        {
            weight = nn.Parameter(torch.ones(channels, device: device));
            bias = nn.Parameter(torch.zeros(channels, device: device));
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }
        if (spec.TrackRunningStats)
        {
            runningMean = torch.zeros(channels, device: device).DetachFromDisposeScope();
            runningVar = torch.ones(channels, device: device).DetachFromDisposeScope();
            batchesTracked = torch.tensor(0L, device: device).DetachFromDisposeScope();
            register_buffer("running_mean", runningMean);
            register_buffer("running_var", runningVar);
            register_buffer("num_batches_tracked", batchesTracked);
        }
    }

    public Core.Networks.InstanceNorm Spec { get; }
    public long Channels { get; }
    public Parameter? weight { get; }
    public Parameter? bias { get; }
    public Tensor? running_mean => runningMean;
    public Tensor? running_var => runningVar;

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels)
            throw new LayerException(GetName(), $"expects a (batch, {Channels}, height, width) input but got [{string.Join(", ", input.shape)}]");
        if (input.shape[0] == 0) return input.clone();
        var useInput = training || runningMean is null;
        var y = nn.functional.instance_norm(input, runningMean, runningVar, weight, bias, useInput, InstanceNormMomentum, eps);
        if (training && batchesTracked is not null)
            using (torch.no_grad()) batchesTracked.add_(1);
        return y;
    }

    private const double InstanceNormMomentum = Core.Networks.InstanceNorm.Momentum;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight?.Dispose();
            bias?.Dispose();
            runningMean?.Dispose();
            runningVar?.Dispose();
            batchesTracked?.Dispose();
        }
        base.Dispose(disposing);
    }
}
