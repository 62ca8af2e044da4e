namespace NormLab.Engine.Normalization;

/// <summary>
/// Layer normalisation over every per-sample axis (Ba et al. 2016) — a batch-independent control for BN experiments,
/// and the README's worked example of adding a layer kind. γ = 1, β = 0 at start, as in PyTorch.
/// </summary>
public sealed class LayerNormLayer : Module
{
    private readonly long[] normalizedShape;
    private readonly double eps;

    public LayerNormLayer(long[] sampleShape, double epsilon, bool affine, string name, Device? device = null) : base(name)
    {
        normalizedShape = sampleShape;
        eps = epsilon;
        if (affine)
        {
            weight = nn.Parameter(torch.ones(sampleShape, device: device ?? CPU));
            bias = nn.Parameter(torch.zeros(sampleShape, device: device ?? CPU));
            register_parameter("weight", weight);
            register_parameter("bias", bias);
        }
    }

    public Parameter? weight { get; }
    public Parameter? bias { get; }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, normalizedShape, weight, bias, eps);

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
