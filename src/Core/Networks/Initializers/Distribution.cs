namespace NormLab.Core.Networks;

/// <summary>
/// What to sample for one parameter tensor, fully resolved (no fans left to compute). The interpreter maps each case onto
/// one libtorch call: <c>normal_</c>, <c>trunc_normal_</c>, <c>uniform_</c>, <c>fill_</c>.
/// </summary>
public abstract record Distribution
{
    /// <summary>N(Mean, Std²).</summary>
    public sealed record Normal(double Mean, double Std) : Distribution;

    /// <summary>
    /// N(Mean, Std²) restricted to [Low, High] (resampled, not clipped: Keras' and PyTorch's <c>trunc_normal_</c>). Std is
    /// the parameter of the underlying normal, not the standard deviation of the truncated result.
    /// </summary>
    public sealed record TruncatedNormal(double Mean, double Std, double Low, double High) : Distribution;

    /// <summary>U(Low, High).</summary>
    public sealed record Uniform(double Low, double High) : Distribution;

    /// <summary>Every element equals Value.</summary>
    public sealed record Constant(double Value) : Distribution;
}
