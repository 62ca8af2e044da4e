namespace NormLab.Core;

/// <summary>
/// The metric math of results and reports, pure and NaN-aware: a NaN among the values gives NaN (as numpy does), an empty
/// input gives NaN (there is no statistic to report), never an exception.
/// </summary>
public static class Statistics
{
    /// <summary>The arithmetic mean; NaN for no values.</summary>
    public static double Mean(IEnumerable<double> values)
    {
        var (n, mean) = (0L, 0.0);
        foreach (var v in values)
        {
            n++;
            mean += (v - mean) / n; // running mean: no overflow on large sums
        }
        return n == 0 ? double.NaN : mean;
    }

    /// <summary>
    /// The sample standard deviation (n − 1 in the denominator, numpy <c>ddof=1</c>, the spread across seeds); 0 for a
    /// single value (one seed has no spread to report, where numpy would give NaN); NaN for no values.
    /// </summary>
    public static double SampleStd(IEnumerable<double> values)
    {
        // Welford's update: stable for values that are close together (accuracies of several seeds).
        var (n, mean, m2) = (0L, 0.0, 0.0);
        foreach (var v in values)
        {
            n++;
            var delta = v - mean;
            mean += delta / n;
            m2 += delta * (v - mean);
        }
        return n switch
        {
            0 => double.NaN,
            1 => double.IsFinite(mean) ? 0 : double.NaN,
            _ => Math.Sqrt(m2 / (n - 1)),
        };
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile (0..100) with linear interpolation between the two nearest ranks —
    /// numpy's default <c>method="linear"</c> and <c>torch.quantile</c>'s <c>interpolation="linear"</c>: with the values sorted,
    /// position h = (n − 1)·p/100, result x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). NaN for no values, a NaN among them or a
    /// percent outside [0, 100].
    /// </summary>
    public static double Percentile(IEnumerable<double> values, double percent) =>
        Percentiles(values, Seq1(percent))[0];

    /// <summary><see cref="Percentile"/> for several percents, sorting once.</summary>
    public static Seq<double> Percentiles(IEnumerable<double> values, Seq<double> percents)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0 || sorted.Any(double.IsNaN)) return percents.Map(_ => double.NaN).Strict();
        System.Array.Sort(sorted);
        return percents.Map(p => Interpolate(sorted, p)).Strict();
    }

    static double Interpolate(double[] sorted, double percent)
    {
        if (!(percent >= 0 && percent <= 100)) return double.NaN;
        var h = (sorted.Length - 1) * (percent / 100);
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var frac = h - lo;
        // numpy's _lerp: a + (b − a)·t, switching to b − (b − a)·(1 − t) for t ≥ 0.5 so the ends are exact.
        var (a, b) = (sorted[lo], sorted[hi]);
        var diff = b - a;
        return frac >= 0.5 ? b - diff * (1 - frac) : a + diff * frac;
    }
}
