using System.Globalization;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// A mean over seeds with its spread. <see cref="Std"/> is the sample standard deviation (n − 1 in the denominator, the
/// usual choice when seeds are a sample of possible runs) and exists only with at least two values.
/// </summary>
public sealed record Estimate(double Mean, Option<double> Std, int N)
{
    public static Option<Estimate> Of(Seq<double> values)
    {
        var finite = values.Filter(double.IsFinite);
        if (finite.IsEmpty) return None;
        var n = finite.Count;
        var mean = finite.Sum() / n;
        var std = n >= 2 ? Some(Math.Sqrt(finite.Map(v => (v - mean) * (v - mean)).Sum() / (n - 1))) : None;
        return new Estimate(mean, std, n);
    }

    /// <summary>"0.8921 ± 0.0012" (or "0.8921" for a single seed) with <paramref name="decimals"/> decimals, invariant culture.</summary>
    public string Format(int decimals = 4)
    {
        var f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var mean = Mean.ToString(f, CultureInfo.InvariantCulture);
        return Std.Match(s => $"{mean} ± {s.ToString(f, CultureInfo.InvariantCulture)}", () => mean);
    }
}
