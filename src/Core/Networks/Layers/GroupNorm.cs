namespace NormLab.Core.Networks;

/// <summary>
/// Group normalization (Wu &amp; He 2018): the channels (the first per-sample axis) are split into <see cref="Groups"/>
/// consecutive groups of C/G channels, and each sample is normalised per group by that group's mean and biased variance
/// over its channels and spatial positions — no batch statistics, so training and inference compute the same thing. With
/// Affine, a per-channel γ and β (PyTorch <c>nn.GroupNorm(num_groups, num_channels)</c>): 2·C trainable parameters.
/// <c>groups: 1</c> is a layer norm over (C, H, W) followed by a per-channel affine; <c>groups: C</c> is an instance norm.
/// </summary>
public sealed record GroupNorm(int Groups, double Epsilon = 1e-5, bool Affine = true, string? Name = null) : Layer(Name)
{
    public override string KindName => "group_norm";

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.Positive(path, "groups", Groups) + Checks.PositiveFinite(path, "epsilon", Epsilon) + Checks.Name(path, Name);
}
