namespace NormLab.Core.Networks;

public enum ActivationKind
{
    Relu,
    LeakyRelu,
    Sigmoid,
    Tanh,
    /// <summary>Over the features of a flat input (the class axis).</summary>
    Softmax,
    Identity,
}

/// <summary>
/// An element-wise nonlinearity (softmax: over the features of a flat input).
/// LeakyRelu's negative slope <c>Alpha</c> defaults to 0.01, PyTorch's <c>negative_slope</c>. Keras' <c>LeakyReLU()</c>
/// defaults to alpha = 0.3 (Keras 2 <c>alpha=0.3</c>, Keras 3 <c>negative_slope=0.3</c>): a network reproducing a Keras
/// notebook must write <c>Alpha = 0.3</c> explicitly, as the <c>mlp_300_100</c> preset does.
/// </summary>
/// <param name="Alpha">LeakyRelu's negative slope; null means 0.01. Not allowed for other kinds.</param>
public sealed record Activation(ActivationKind Kind, double? Alpha = null, string? Name = null) : Layer(Name)
{
    public const double DefaultLeakyReluAlpha = 0.01;

    public override string KindName => "activation";

    /// <summary>LeakyRelu's slope (explicit or 0.01); 0 for every other kind.</summary>
    public double ResolvedAlpha => Kind == ActivationKind.LeakyRelu ? Alpha ?? DefaultLeakyReluAlpha : 0;

    /// <summary>The kind as written in YAML: relu, leaky_relu, sigmoid, tanh, softmax, identity.</summary>
    public string KindText => Kind switch
    {
        ActivationKind.LeakyRelu => "leaky_relu",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    public override Seq<Problem> FieldProblems(string path)
    {
        var alpha = Alpha switch
        {
            null => Seq<Problem>(),
            double _ when Kind != ActivationKind.LeakyRelu && Enum.IsDefined(Kind) =>
                Seq1(new Problem(ProblemPath.Join(path, "alpha"), $"is only used by leaky_relu, not {KindText} — remove it")),
            double a when !(a >= 0 && double.IsFinite(a)) =>
                Seq1(new Problem(ProblemPath.Join(path, "alpha"), $"must be >= 0 (got {Format.Number(a)})")),
            _ => Seq<Problem>(),
        };
        return Checks.Defined(path, "kind", Kind) + alpha + Checks.Name(path, Name);
    }
}
