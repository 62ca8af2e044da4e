namespace NormLab.Core.Networks;

/// <summary>
/// A 2-d convolution over a (channels, height, width) input: Filters output channels, a square Kernel×Kernel window, the
/// same Stride along both axes. Output size per axis: ⌊(in + 2·pad − kernel) / stride⌋ + 1 (PyTorch <c>nn.Conv2d</c>).
/// Parameters: Filters·channels·Kernel² weights plus Filters biases when UseBias.
/// </summary>
/// <param name="Padding">Null means <see cref="Networks.Padding.Valid"/>.</param>
/// <param name="Init">Null means <see cref="Initializer.Default"/> (glorot_uniform, Keras' default).</param>
public sealed record Conv2D(
    int Filters,
    int Kernel,
    int Stride = 1,
    Padding? Padding = null,
    bool UseBias = true,
    Initializer? Init = null,
    string? Name = null) : Layer(Name)
{
    public override string KindName => "conv2d";

    public Padding ResolvedPadding => Padding ?? new Padding.Valid();

    public Initializer ResolvedInit => Init ?? Initializer.Default;

    /// <summary>Zeros added on each side of both spatial axes.</summary>
    public int PadAmount => ResolvedPadding.PerSide(Kernel);

    /// <summary>PyTorch weight layout [out, in, kh, kw] for an input with <paramref name="inChannels"/> channels.</summary>
    public Seq<int> WeightShape(int inChannels) => Seq(Filters, inChannels, Kernel, Kernel);

    public override Seq<Problem> FieldProblems(string path)
    {
        var padding = ProblemPath.Join(path, "padding");
        var paddingProblems = ResolvedPadding switch
        {
            Padding.Explicit { Amount: < 0 } e =>
                Seq1(new Problem(padding, $"must be >= 0 (got {Format.Number(e.Amount)})")),
            Padding.Same when Stride > 1 =>
                Seq1(new Problem(padding,
                    $"same needs stride 1 (got stride {Format.Number(Stride)}) — use an explicit padding such as padding: {Format.Number(Math.Max(0, (Kernel - 1) / 2))}")),
            Padding.Same when Kernel > 0 && Kernel % 2 == 0 =>
                Seq1(new Problem(padding,
                    $"same needs an odd kernel (got {Format.Number(Kernel)}) — symmetric padding cannot keep the size; use an odd kernel or an explicit padding")),
            _ => Seq<Problem>(),
        };
        return Checks.Positive(path, "filters", Filters)
             + Checks.Positive(path, "kernel", Kernel)
             + Checks.Positive(path, "stride", Stride)
             + paddingProblems
             + Checks.Init(path, Init)
             + Checks.Name(path, Name);
    }
}
