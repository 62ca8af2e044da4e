namespace NormLab.Core.Networks;

/// <summary>
/// Instance normalization (Ulyanov et al. 2016) of a (channels, height, width) input: each sample and channel is
/// normalised by its own spatial mean and biased variance. Defaults are PyTorch's <c>nn.InstanceNorm2d</c>: no affine,
/// no running statistics (so training and inference agree). With TrackRunningStats the layer keeps PyTorch's running
/// mean and unbiased variance (momentum 0.1, the mean over the batch of the per-instance statistics) and inference uses
/// them. Parameter counts follow BN: γ and β trainable (2·C, when Affine), running mean and variance non-trainable (2·C).
/// </summary>
public sealed record InstanceNorm(double Epsilon = 1e-5, bool Affine = false, bool TrackRunningStats = false, string? Name = null)
    : Layer(Name)
{
    public override string KindName => "instance_norm";

    /// <summary>PyTorch's momentum for the running statistics: r ← 0.9·r + 0.1·batch.</summary>
    public const double Momentum = 0.1;

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.PositiveFinite(path, "epsilon", Epsilon) + Checks.Name(path, Name);
}
