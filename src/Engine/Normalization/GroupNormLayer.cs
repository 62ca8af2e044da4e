namespace NormLab.Engine.Normalization;

/// <summary>
/// Group normalization (Wu &amp; He 2018) through libtorch's <c>group_norm</c>: per sample, the channels fall into
/// <c>groups</c> consecutive groups, each normalised by its own mean and biased variance (ε inside the square root),
/// then a per-channel γ·x̂ + β. γ = 1, β = 0 at start, registered as <c>weight</c> and <c>bias</c> like PyTorch's
/// <c>nn.GroupNorm</c>. No running statistics: training and eval compute the same thing.
/// </summary>
public sealed class GroupNormLayer : Module
{
    private readonly long groups;
    private readonly double eps;

    public GroupNormLayer(long groups, long channels, double epsilon, bool affine, string name, Device? device = null) : base(name)
    {
        this.groups = groups;
        eps = epsilon;
        Channels = channels;
        if (affine)
        {
            weight = nn.Parameter(torch.ones(channels, device: device ?? CPU));
            bias = nn.Parameter(torch.zeros(channels, device: device ?? CPU));
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }
    }

    public long Channels { get; }
    public Parameter? weight { get; }
    public Parameter? bias { get; }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] != Channels)
            throw new LayerException(GetName(), $"expects a (batch, {Channels}, …) input but got [{string.Join(", ", input.shape)}]");
        return nn.functional.group_norm(input, groups, weight, bias, eps);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight?.Dispose();
            bias?.Dispose();
        }
        base.Dispose(disposing);
    }
}
