using MathNet.Numerics.Distributions;

namespace NormLab.Core;

/// <summary>A two-sided interval [Low, High].</summary>
public sealed record Interval(double Low, double High)
{
    public bool Contains(double x) => x >= Low && x <= High;
}

/// <summary>
/// A metric over the seeds of one variant: n, mean, sample standard deviation (n − 1) and the 95% confidence interval of the
/// mean from Student's t with n − 1 degrees of freedom, mean ± t₀.₉₇₅,ₙ₋₁ · s/√n. With one seed there is no spread and no
/// interval (None).
/// </summary>
public sealed record SampleSummary(int N, double Mean, Option<double> Std, Option<Interval> Ci95);

/// <summary>
/// Welch's unequal-variances t-test of a variant against its baseline: t = (x̄ − ȳ)/se with se = √(s²ₓ/nₓ + s²ᵧ/nᵧ), the
/// Welch–Satterthwaite degrees of freedom df = se⁴ / ((s²ₓ/nₓ)²/(nₓ−1) + (s²ᵧ/nᵧ)²/(nᵧ−1)), the two-sided p-value 2·P(T_df ≤ −|t|)
/// and the 95% interval of the difference x̄ − ȳ ± t₀.₉₇₅,df · se (SciPy's <c>ttest_ind(x, y, equal_var=False)</c>).
/// </summary>
public sealed record WelchTest(double T, double Df, double PValue, Interval Ci95);

/// <summary>A variant's mean minus its baseline's, with Welch's test where both have at least two seeds and some spread.</summary>
public sealed record Comparison(string Baseline, double Difference, Option<WelchTest> Test);

/// <summary>
/// The statistics a reviewer asks of a seed study, pure. The t distribution comes from MathNet.Numerics (its quantile and
/// CDF), not from a hand-written approximation. NaN and infinite values (a diverged run's metric) are left out, as the
/// reports leave them out of the mean.
/// </summary>
public static class SeedStatistics
{
    public const double Confidence = 0.95;

    /// <summary>t quantile for a two-sided 95% interval: t₀.₉₇₅ with <paramref name="df"/> degrees of freedom.</summary>
    public static double TCritical(double df) => StudentT.InvCDF(0, 1, df, 1 - (1 - Confidence) / 2);

    /// <summary>Two-sided p-value of a t statistic: 2·P(T_df ≤ −|t|) (the lower tail, accurate for small p).</summary>
    public static double TwoSidedP(double t, double df) => Math.Min(1, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)));

    public static Option<SampleSummary> Summarize(Seq<double> values)
    {
        var xs = values.Filter(double.IsFinite).Strict();
        if (xs.IsEmpty) return None;
        var n = xs.Count;
        var mean = Statistics.Mean(xs);
        if (n < 2) return new SampleSummary(n, mean, None, None);
        var std = Statistics.SampleStd(xs);
        var half = TCritical(n - 1) * std / Math.Sqrt(n);
        return new SampleSummary(n, mean, Some(std), Some(new Interval(mean - half, mean + half)));
    }

    /// <summary><paramref name="x"/> against <paramref name="baseline"/>: the difference of means x̄ − ȳ, and Welch's test when
    /// both have two finite values or more and not both are constant (then se = 0 and t is undefined).</summary>
    public static Option<Comparison> Compare(Seq<double> x, Seq<double> baseline, string baselineName)
    {
        var a = Summarize(x);
        var b = Summarize(baseline);
        return from sa in a
               from sb in b
               select new Comparison(baselineName, sa.Mean - sb.Mean, Welch(sa, sb));
    }

    public static Option<WelchTest> Welch(SampleSummary x, SampleSummary y)
    {
        if (x.N < 2 || y.N < 2) return None;
        var vx = x.Std.IfNone(0) * x.Std.IfNone(0) / x.N;
        var vy = y.Std.IfNone(0) * y.Std.IfNone(0) / y.N;
        var se2 = vx + vy;
        if (!(se2 > 0)) return None;
        var se = Math.Sqrt(se2);
        var df = se2 * se2 / (vx * vx / (x.N - 1) + vy * vy / (y.N - 1));
        var diff = x.Mean - y.Mean;
        var t = diff / se;
        var half = TCritical(df) * se;
        return new WelchTest(t, df, TwoSidedP(t, df), new Interval(diff - half, diff + half));
    }
}
