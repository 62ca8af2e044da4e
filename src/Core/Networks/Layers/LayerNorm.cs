namespace NormLab.Core.Networks;

/// <summary>
/// Layer normalization (Ba et al. 2016) over all per-sample axes: each sample is normalised by its own mean and biased
/// variance, so — unlike BN — training and inference compute the same thing and no running statistics exist. A useful
/// control for BN experiments. With Affine, an element-wise γ and β of the per-sample shape (PyTorch
/// <c>nn.LayerNorm(normalized_shape=input shape)</c>): 2 × (product of the shape) trainable parameters.
/// </summary>
public sealed record LayerNorm(double Epsilon = 1e-5, bool Affine = true, string? Name = null) : Layer(Name)
{
    public override string KindName => "layer_norm";

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.PositiveFinite(path, "epsilon", Epsilon) + Checks.Name(path, Name);
}
