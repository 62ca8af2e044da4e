namespace NormLab.Core.Networks;

/// <summary>Small field checks shared by the layer records; each returns no problem or exactly one, with the field's path.</summary>
static class Checks
{
    public static Seq<Problem> Positive(string path, string field, int value) =>
        value > 0 ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(path, field), $"must be > 0 (got {Format.Number(value)})"));

    public static Seq<Problem> PositiveFinite(string path, string field, double value) =>
        value > 0 && double.IsFinite(value)
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, field), $"must be > 0 (got {Format.Number(value)})"));

    public static Seq<Problem> Finite(string path, string field, double value) =>
        double.IsFinite(value)
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, field), $"must be a finite number (got {Format.Number(value)})"));

    public static Seq<Problem> Defined<TEnum>(string path, string field, TEnum value) where TEnum : struct, Enum =>
        Enum.IsDefined(value)
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, field), $"unknown value {value}"));

    /// <summary>
    /// A user name must be usable as a probe key and a CSV field: letters, digits, '_', '-', '.'.
    /// </summary>
    public static Seq<Problem> Name(string path, string? name)
    {
        if (name is null) return Seq<Problem>();
        if (name.Length == 0) return Seq1(new Problem(ProblemPath.Join(path, "name"), "must not be empty (leave it out for a generated name)"));
        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, "name"), $"may contain only letters, digits, '_', '-' and '.' (got \"{name}\")"));
    }

    /// <summary>Checks of an initializer's own fields, under <c>&lt;path&gt;.init</c>.</summary>
    public static Seq<Problem> Init(string path, Initializer? init)
    {
        var at = ProblemPath.Join(path, "init");
        return init switch
        {
            Normal n => Finite(at, "mean", n.Mean) + PositiveFinite(at, "std", n.Std),
            Uniform u => Finite(at, "low", u.Low) + Finite(at, "high", u.High) +
                         (double.IsFinite(u.Low) && double.IsFinite(u.High) && !(u.Low < u.High)
                             ? Seq1(new Problem(ProblemPath.Join(at, "high"),
                                 $"must be > low (got low {Format.Number(u.Low)}, high {Format.Number(u.High)})"))
                             : Seq<Problem>()),
            _ => Seq<Problem>(),
        };
    }
}
