namespace NormLab.Core.Networks;

/// <summary>Reshapes the per-sample input to one axis (the product of its axes), channels-first order like PyTorch.</summary>
public sealed record Flatten(string? Name = null) : Layer(Name)
{
    public override string KindName => "flatten";

    public override Seq<Problem> FieldProblems(string path) => Checks.Name(path, Name);
}
