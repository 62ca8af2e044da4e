namespace NormLab.Core.Networks;

/// <summary>Inverted dropout: in training each value is zeroed with probability Rate and the rest scaled by 1/(1−Rate);
/// identity in inference.</summary>
public sealed record Dropout(double Rate, string? Name = null) : Layer(Name)
{
    public override string KindName => "dropout";

    public override Seq<Problem> FieldProblems(string path) =>
        (Rate >= 0 && Rate < 1
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, "rate"), $"must be in [0, 1) (got {Format.Number(Rate)})")))
        + Checks.Name(path, Name);
}
