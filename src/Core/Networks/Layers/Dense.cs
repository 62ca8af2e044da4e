namespace NormLab.Core.Networks;

/// <summary>
/// A fully connected layer on a flat (features) input: Units outputs, Units·features weights plus Units biases when UseBias
/// (PyTorch <c>nn.Linear</c>, Keras <c>Dense</c> without the fused activation — write an <see cref="Activation"/> after it).
/// </summary>
/// <param name="Init">Null means <see cref="Initializer.Default"/> (glorot_uniform, Keras' default).</param>
public sealed record Dense(int Units, bool UseBias = true, Initializer? Init = null, string? Name = null) : Layer(Name)
{
    public override string KindName => "dense";

    public Initializer ResolvedInit => Init ?? Initializer.Default;

    /// <summary>PyTorch weight layout [out, in].</summary>
    public Seq<int> WeightShape(int inFeatures) => Seq(Units, inFeatures);

    public override Seq<Problem> FieldProblems(string path) =>
        Checks.Positive(path, "units", Units) + Checks.Init(path, Init) + Checks.Name(path, Name);
}
