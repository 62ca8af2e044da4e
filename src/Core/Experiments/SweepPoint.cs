namespace NormLab.Core.Experiments;

/// <summary>
/// A run variant's name read back (the inverse of <see cref="Sweeps"/>' naming): <c>gn/batch=8/lr=0.1</c> is the declared
/// variant <c>gn</c> at the point batch = 8, lr = 0.1. Values are folder-safe (no '/' or '='), so the split is exact. A
/// name without coordinates is a declared variant; coordinates without a variant belong to <c>base</c>.
/// </summary>
public sealed record SweepPoint(string Declared, Seq<(string Label, string Value)> Coordinates)
{
    public static SweepPoint Parse(string runVariant)
    {
        var segments = runVariant.Split('/');
        var coordinates = segments.Where(s => s.Contains('=')).Select(s => (s[..s.IndexOf('=')], s[(s.IndexOf('=') + 1)..])).ToSeq().Strict();
        var declared = string.Join("/", segments.Where(s => !s.Contains('=')));
        return new SweepPoint(declared.Length == 0 ? VariantSpec.BaseName : declared, coordinates);
    }

    /// <summary>The value on the axis labelled <paramref name="label"/>, if the run variant has one.</summary>
    public Option<string> Value(string label) => Coordinates.Find(c => c.Label == label).Map(c => c.Value);

    /// <summary>The value on <paramref name="label"/> as a number (invariant culture).</summary>
    public Option<double> Number(string label) => Value(label).Bind(FieldReader.ParseDouble);

    /// <summary>The point without the declared variant: <c>batch=8/lr=0.1</c> (what variants at the same point share).</summary>
    public string PointName => string.Join("/", Coordinates.Map(c => $"{c.Label}={c.Value}"));
}
