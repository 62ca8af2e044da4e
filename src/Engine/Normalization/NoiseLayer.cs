namespace NormLab.Engine.Normalization;

/// <summary>
/// The noisy-BN layer of Santurkar et al. (2018), see <see cref="Core.Networks.Noise"/>: in training y = s·x + m per
/// channel with s ~ N(1, scaleStd²), m ~ N(0, meanStd²) drawn from libtorch's generator (seeded by the trainer) at the
/// first training forward and again every <c>every</c> training forwards; in eval the identity (the input itself, not a
/// copy of it). The draws are constants to autograd; they are not state_dict entries (a reloaded network evaluates the same).
/// </summary>
public sealed class NoiseLayer : Module, IStatefulModule
{
    private readonly long[] broadcastShape;
    private Tensor? scale;
    private Tensor? shift;
    private long forwards;

    public NoiseLayer(Core.Networks.Noise spec, long channels, int sampleRank, string name, Device? device = null) : base(name)
    {
        Spec = spec;
        Channels = channels;
        Device = device ?? CPU;
        broadcastShape = sampleRank == 1 ? [1, channels] : [1, channels, 1, 1];
    }

    public Core.Networks.Noise Spec { get; }
    public long Channels { get; }
    private Device Device { get; }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != broadcastShape.Length || input.shape[1] != Channels)
            throw new LayerException(GetName(), $"expects a rank-{broadcastShape.Length} input with {Channels} channels but got [{string.Join(", ", input.shape)}]");
        if (!training) return input.alias();
        if (forwards % Spec.Every == 0) Redraw(input.dtype);
        forwards++;
        using var scaled = input * scale!;
        return scaled + shift!;
    }

    /// <summary>The draw counter and the current draw: restored, the next training forward redraws (or not) exactly as it would have.</summary>
    ModuleState IStatefulModule.CaptureState()
    {
        var count = forwards;
        Tensor? savedScale, savedShift;
        using (torch.no_grad())
        {
            savedScale = scale?.clone().DetachFromDisposeScope();
            savedShift = shift?.clone().DetachFromDisposeScope();
        }
        return new ModuleState(() =>
        {
            forwards = count;
            scale?.Dispose();
            shift?.Dispose();
            using var _ = torch.no_grad();
            scale = savedScale?.clone().DetachFromDisposeScope();
            shift = savedShift?.clone().DetachFromDisposeScope();
        }, [.. new[] { savedScale, savedShift }.OfType<Tensor>()]);
    }

    private void Redraw(ScalarType dtype)
    {
        scale?.Dispose();
        shift?.Dispose();
        using var _ = torch.no_grad();
        scale = (torch.randn(broadcastShape, dtype: dtype, device: Device) * Spec.ScaleStd + 1).DetachFromDisposeScope();
        shift = (torch.randn(broadcastShape, dtype: dtype, device: Device) * Spec.MeanStd).DetachFromDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            scale?.Dispose();
            shift?.Dispose();
        }
        base.Dispose(disposing);
    }
}
