using System.Globalization;

namespace NormLab.Core;

/// <summary>One variant's line of the statistics table: its summary over seeds and, when it has a baseline other than
/// itself whose runs are there, the comparison with it.</summary>
public sealed record VariantStatistics(string Variant, Option<SampleSummary> Summary, Option<string> Baseline, Option<Comparison> VersusBaseline)
{
    /// <summary>Every variant of an experiment, in the order given; <paramref name="baselineOf"/> names each one's baseline.</summary>
    public static Seq<VariantStatistics> Of(Seq<(string Variant, Seq<double> Values)> variants, Func<string, Option<string>> baselineOf) =>
        variants.Map(v =>
        {
            var baseline = baselineOf(v.Variant);
            var comparison = baseline.Filter(b => b != v.Variant)
                .Bind(b => variants.Find(w => w.Variant == b).Bind(w => SeedStatistics.Compare(v.Values, w.Values, b)));
            return new VariantStatistics(v.Variant, SeedStatistics.Summarize(v.Values), baseline, comparison);
        }).Strict();

    /// <summary><c>[0.9805, 0.9822]</c>, or "–" without an interval.</summary>
    public static string FormatInterval(Option<Interval> ci, int decimals = 4) =>
        ci.Match(i => $"[{F(i.Low, decimals)}, {F(i.High, decimals)}]", () => "–");

    /// <summary>A p-value as papers print it: three decimals, or <c>&lt; 0.001</c>.</summary>
    public static string FormatP(double p) => p < 0.001 ? "< 0.001" : F(p, 3);

    /// <summary><c>+0.0096 [0.0061, 0.0131]</c>: the signed difference and its interval.</summary>
    public string FormatDifference(int decimals = 4) =>
        VersusBaseline.Match(c => (c.Difference >= 0 ? "+" : "") + F(c.Difference, decimals)
                                  + c.Test.Match(t => " " + FormatInterval(Some(t.Ci95), decimals), () => ""),
            () => Baseline.Filter(b => b == Variant).Map(_ => "baseline").IfNone("–"));

    public string FormatPValue() => VersusBaseline.Bind(c => c.Test).Match(t => FormatP(t.PValue), () => "–");

    static string F(double x, int decimals) => x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
