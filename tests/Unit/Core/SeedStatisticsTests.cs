using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Core;

/// <summary>
/// Reference values from SciPy 1.10.1 (Debian's python3-scipy, installed with apt-get install python3-scipy), computed by
/// /usr/bin/python3 with this script:
/// <code>
/// import numpy as np, scipy.stats as st
/// S = {"A": [0.9812, 0.9820, 0.9807, 0.9815], "B": [0.9718, 0.9733, 0.9702], "C": [0.50, 0.52],
///      "E": [1.0, 2.0, 3.0, 4.0, 10.0], "F": [2.5, 2.6, 2.7]}
/// for k, x in S.items():
///     x = np.array(x); n = len(x); m = x.mean(); s = x.std(ddof=1)
///     lo, hi = st.t.interval(0.95, n - 1, loc=m, scale=s / np.sqrt(n))
///     print(k, n, repr(m), repr(s), repr(lo), repr(hi))
/// for a, b in [("A", "B"), ("E", "F"), ("C", "B")]:
///     x, y = np.array(S[a]), np.array(S[b])
///     r = st.ttest_ind(x, y, equal_var=False)          # Welch's t-test
///     vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
///     df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))   # Welch–Satterthwaite
///     d = x.mean() - y.mean(); se = np.sqrt(vx + vy); q = st.t.ppf(0.975, df)
///     print(a, b, repr(r.statistic), repr(r.pvalue), repr(df), repr(d), repr(d - q * se), repr(d + q * se))
/// </code>
/// Output (the numbers asserted below):
/// <code>
/// A: n=4 mean=0.9813500000000001 std=0.0005446711546122675 ci=(0.9804833066482047, 0.9822166933517954)
/// B: n=3 mean=0.9717666666666668 std=0.0015502687938978492 ci=(0.9679155854922507, 0.9756177478410829)
/// C: n=2 mean=0.51 std=0.014142135623730963 ci=(0.382937952635679, 0.637062047364321)
/// E: n=5 mean=4.0 std=3.5355339059327378 ci=(-0.3899451654254218, 8.389945165425422)
/// F: n=3 mean=2.6 std=0.10000000000000009 ci=(2.3515862288156244, 2.8484137711843758)
/// A-B: t=10.24338846765379 p=0.005101359382788048 df=2.3738965606859317 diff=0.009583333333333277 ci=(0.006108425646271802, 0.013058241020394752)
/// E-F: t=0.8848480426539623 p=0.4260989726567199 df=4.010659517655048 diff=1.4 ci=(-2.988270120751371, 5.7882701207513705)
/// C-B: t=-45.992807416084844 p=0.013056033066440854 df=1.0160537960233726 diff=-0.46176666666666677 ci=(-0.5846707280591006, -0.338862605274233)
/// t.ppf(0.975, 1) 12.706204736432095  t.ppf(0.975, 2.5) 3.5746548420118773  t.ppf(0.975, 30) 2.0422724563012373
/// 2*t.cdf(-3.2, 4.7) 0.026183869756802775  2*t.cdf(-25, 3) 0.0001403313899575486
/// </code>
/// Tolerances are relative 1e-9 (MathNet's t quantile is found by root search; SciPy's by Boost): far below the 4 decimals
/// reports print, far above the bits two libraries agree on.
/// </summary>
public class SeedStatisticsTests
{
    static Seq<double> A => Seq(0.9812, 0.9820, 0.9807, 0.9815);
    static Seq<double> B => Seq(0.9718, 0.9733, 0.9702);
    static Seq<double> C => Seq(0.50, 0.52);
    static Seq<double> E => Seq(1.0, 2.0, 3.0, 4.0, 10.0);
    static Seq<double> F => Seq(2.5, 2.6, 2.7);

    static void Near(double expected, double actual, double relative = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)),
            $"expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):R})");

    [Theory]
    [InlineData(1, 12.706204736432095)]
    [InlineData(2.5, 3.5746548420118773)]
    [InlineData(30, 2.0422724563012373)]
    public void The_t_quantile_matches_scipy(double df, double expected) => Near(expected, SeedStatistics.TCritical(df));

    [Theory]
    [InlineData(3.2, 4.7, 0.026183869756802775)]
    [InlineData(-25, 3, 0.0001403313899575486)]
    public void The_two_sided_p_value_matches_scipy(double t, double df, double expected) => Near(expected, SeedStatistics.TwoSidedP(t, df));

    public static TheoryData<string, int, double, double, double, double> Summaries => new()
    {
        { "A", 4, 0.9813500000000001, 0.0005446711546122675, 0.9804833066482047, 0.9822166933517954 },
        { "B", 3, 0.9717666666666668, 0.0015502687938978492, 0.9679155854922507, 0.9756177478410829 },
        { "C", 2, 0.51, 0.014142135623730963, 0.382937952635679, 0.637062047364321 },
        { "E", 5, 4.0, 3.5355339059327378, -0.3899451654254218, 8.389945165425422 },
        { "F", 3, 2.6, 0.10000000000000009, 2.3515862288156244, 2.8484137711843758 },
    };

    static Seq<double> Sample(string name) => name switch { "A" => A, "B" => B, "C" => C, "E" => E, _ => F };

    [Theory]
    [MemberData(nameof(Summaries))]
    public void Mean_std_and_the_95_percent_student_t_interval_match_scipy(string name, int n, double mean, double std, double low, double high)
    {
        var s = SeedStatistics.Summarize(Sample(name)).IfNone(() => throw new Xunit.Sdk.XunitException("no summary"));
        Assert.Equal(n, s.N);
        Near(mean, s.Mean);
        Near(std, s.Std.IfNone(double.NaN));
        var ci = s.Ci95.IfNone(() => throw new Xunit.Sdk.XunitException("no interval"));
        Near(low, ci.Low);
        Near(high, ci.High);
    }

    public static TheoryData<string, string, double, double, double, double, double, double> Welchs => new()
    {
        { "A", "B", 10.24338846765379, 0.005101359382788048, 2.3738965606859317, 0.009583333333333277, 0.006108425646271802, 0.013058241020394752 },
        { "E", "F", 0.8848480426539623, 0.4260989726567199, 4.010659517655048, 1.4, -2.988270120751371, 5.7882701207513705 },
        { "C", "B", -45.992807416084844, 0.013056033066440854, 1.0160537960233726, -0.46176666666666677, -0.5846707280591006, -0.338862605274233 },
    };

    [Theory]
    [MemberData(nameof(Welchs))]
    public void Welch_t_test_difference_and_its_interval_match_scipy(string x, string y, double t, double p, double df, double diff, double low, double high)
    {
        var c = SeedStatistics.Compare(Sample(x), Sample(y), y).IfNone(() => throw new Xunit.Sdk.XunitException("no comparison"));
        Assert.Equal(y, c.Baseline);
        Near(diff, c.Difference);
        var w = c.Test.IfNone(() => throw new Xunit.Sdk.XunitException("no test"));
        Near(t, w.T);
        Near(df, w.Df);
        Near(p, w.PValue);
        Near(low, w.Ci95.Low);
        Near(high, w.Ci95.High);
    }

    [Fact]
    public void One_seed_has_a_mean_but_no_spread_interval_or_test()
    {
        var one = SeedStatistics.Summarize(Seq1(0.9)).IfNone(() => throw new Xunit.Sdk.XunitException("no summary"));
        Assert.Equal((1, 0.9), (one.N, one.Mean));
        Assert.True(one.Std.IsNone && one.Ci95.IsNone);
        var c = SeedStatistics.Compare(Seq1(0.9), B, "b").IfNone(() => throw new Xunit.Sdk.XunitException("no comparison"));
        Near(0.9 - 0.9717666666666668, c.Difference);
        Assert.True(c.Test.IsNone);
    }

    [Fact]
    public void Constant_samples_give_no_test_and_non_finite_values_are_left_out()
    {
        Assert.True(SeedStatistics.Compare(Seq(0.5, 0.5), Seq(0.7, 0.7), "b").Map(c => c.Test.IsNone).IfNone(false));
        Assert.True(SeedStatistics.Summarize(Seq(double.NaN, double.PositiveInfinity)).IsNone);
        var withNaN = SeedStatistics.Summarize(A.Add(double.NaN)).IfNone(() => throw new Xunit.Sdk.XunitException("no summary"));
        Assert.Equal(4, withNaN.N);
        Near(0.9813500000000001, withNaN.Mean);
    }
}
