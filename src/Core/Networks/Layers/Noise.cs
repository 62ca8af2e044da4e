namespace NormLab.Core.Networks;

/// <summary>
/// The "noisy BN" of Santurkar, Tsipras, Ilyas &amp; Madry (2018, "How does batch normalization help optimization?",
/// §2.1): placed after a BN layer, it shifts and scales every channel (the first per-sample axis) of its input by random
/// amounts, y = s_c·x + m_c with s_c ~ N(1, ScaleStd²) and m_c ~ N(0, MeanStd²) drawn per channel from the run's
/// generator, and redrawn every <see cref="Every"/> training forwards — so the next layer sees a distribution whose mean
/// is not zero and whose variance is not one and which changes over time ("internal covariate shift" put back in).
/// Training only: in inference the layer is the identity. No parameters; s and m are constants to autograd.
/// </summary>
public sealed record Noise(double MeanStd = 0.1, double ScaleStd = 0.1, int Every = 1, string? Name = null) : Layer(Name)
{
    public override string KindName => "noise";

    public override Seq<Problem> FieldProblems(string path) =>
        NonNegative(path, "meanStd", MeanStd) + NonNegative(path, "scaleStd", ScaleStd)
        + Checks.Positive(path, "every", Every) + Checks.Name(path, Name);

    static Seq<Problem> NonNegative(string path, string field, double value) =>
        value >= 0 && double.IsFinite(value)
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, field), $"must be >= 0 (got {Format.Number(value)})"));
}
