namespace NormLab.Core.Networks;

/// <summary>
/// Max pooling over Size×Size windows of a (channels, height, width) input, moving by Stride (null: Size, as in Keras and
/// PyTorch), no padding; output per axis ⌊(in − size)/stride⌋ + 1 (PyTorch <c>ceil_mode=False</c>, Keras "valid").
/// </summary>
public sealed record MaxPool(int Size, int? Stride = null, string? Name = null) : Layer(Name)
{
    public override string KindName => "max_pool";

    public int ResolvedStride => Stride ?? Size;

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.Positive(path, "size", Size)
        + (Stride is int s ? Checks.Positive(path, "stride", s) : Seq<Problem>())
        + Checks.Name(path, Name);
}

/// <summary>Average pooling; the same shape rule as <see cref="MaxPool"/>.</summary>
public sealed record AvgPool(int Size, int? Stride = null, string? Name = null) : Layer(Name)
{
    public override string KindName => "avg_pool";

    public int ResolvedStride => Stride ?? Size;

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.Positive(path, "size", Size)
        + (Stride is int s ? Checks.Positive(path, "stride", s) : Seq<Problem>())
        + Checks.Name(path, Name);
}
