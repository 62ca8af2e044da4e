using static NormLab.Torch.torch.nn;

namespace NormLab.Engine.Normalization;

/// <summary>
/// Layer normalisation over every per-sample axis (Ba et al. 2016) — a batch-independent control for BN experiments,
/// and the README's worked example of adding a layer kind. γ = 1, β = 0 at start, as in PyTorch.
/// </summary>
public sealed class LayerNormLayer : Module
{
    private readonly long[] normalizedShape;
    private readonly double eps;

    public LayerNormLayer(long[] sampleShape, double epsilon, bool affine, string name) : base(name)
    {
        normalizedShape = sampleShape;
        eps = epsilon;
        if (affine)
        {
            weight = RegisterParameter("weight", torch.ones(sampleShape));
            bias = RegisterParameter("bias", torch.zeros(sampleShape));
        }
    }

    public Tensor? weight { get; }
    public Tensor? bias { get; }

    public override Tensor forward(Tensor input) => functional.layer_norm(input, normalizedShape, weight, bias, eps);
}
