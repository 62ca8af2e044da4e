using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// "Nice" axis ticks (Heckbert, Graphics Gems 1990): steps of 1, 2 or 5 × 10^k, the range widened outwards to whole
/// steps, so tick labels are short round numbers.
/// </summary>
public static class NiceTicks
{
    /// <summary>
    /// Ticks covering [lo, hi] with about <paramref name="target"/> ticks. The first and last tick are the axis range.
    /// A degenerate range (lo == hi) is widened by 10 % of |lo| (or 1 around zero); non-finite input gives [0, 1].
    /// </summary>
    public static Seq<double> Linear(double lo, double hi, int target = 6)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) return Seq(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
        if (hi < lo) (lo, hi) = (hi, lo);
        if (hi == lo)
        {
            var pad = lo == 0 ? 1.0 : Math.Abs(lo) * 0.1;
            (lo, hi) = (lo - pad, hi + pad);
        }
        var range = NiceNumber(hi - lo, round: false);
        var step = NiceNumber(range / Math.Max(1, target - 1), round: true);
        // The small epsilon keeps 0.87 / 0.005 = 173.99999999999997 from flooring to 173.
        var first = Math.Floor(lo / step + 1e-9);
        var last = Math.Ceiling(hi / step - 1e-9);
        var decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(step)), 0, 15);
        var count = (int)Math.Round(last - first) + 1;
        return Enumerable.Range(0, count).Select(i => Math.Round((first + i) * step, decimals)).ToArray().ToSeq();
    }

    /// <summary>Powers of ten from the decade at or below <paramref name="lo"/> to the one at or above <paramref name="hi"/> (both &gt; 0).</summary>
    public static Seq<double> Decades(double lo, double hi)
    {
        if (!(lo > 0) || !(hi > 0) || !double.IsFinite(lo) || !double.IsFinite(hi)) return Seq(0.1, 1.0, 10.0);
        if (hi < lo) (lo, hi) = (hi, lo);
        var a = (int)Math.Floor(Math.Log10(lo) + 1e-9);
        var b = Math.Max(a + 1, (int)Math.Ceiling(Math.Log10(hi) - 1e-9));
        return Enumerable.Range(a, b - a + 1).Select(k => Math.Pow(10, k)).ToArray().ToSeq();
    }

    /// <summary>1, 2, 5 or 10 × 10^k close to <paramref name="x"/>: rounded to the nearest (for steps) or the next above (for ranges).</summary>
    public static double NiceNumber(double x, bool round)
    {
        var exponent = Math.Floor(Math.Log10(x));
        var fraction = x / Math.Pow(10, exponent);
        var nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }
}
