using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>What the x axis counts.</summary>
public enum XScale { Steps, Epochs }

/// <summary>One x position of a curve averaged over seeds: the mean, its ±1 std (only with ≥ 2 seeds) and how many seeds had a value there.</summary>
public sealed record CurvePoint(double X, double Mean, Option<double> Std, int N);

/// <summary>
/// Means over seeds, aligned by optimizer step: runs of one variant log at the same steps, so the step is the join key
/// (epochs are a function of the step). A step that only some seeds reached (a run that diverged or was cut short) is
/// averaged over the seeds that reached it.
/// </summary>
public static class SeedCurves
{
    /// <summary>The per-step mean over <paramref name="perSeed"/> sequences of (step, x, y), ordered by step.</summary>
    public static Seq<CurvePoint> MeanByStep(Seq<Seq<(long Step, double X, double Y)>> perSeed) =>
        (perSeed
            .Bind(s => s)
            .Filter(p => double.IsFinite(p.Y))
            .GroupBy(p => p.Step)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var values = g.ToArray().ToSeq();
                var estimate = Estimate.Of(values.Map(p => p.Y)).IfNone(() => new Estimate(double.NaN, None, 0));
                return new CurvePoint(values.Map(p => p.X).Average(), estimate.Mean, estimate.Std, estimate.N);
            })
            .ToArray()).ToSeq();

    /// <summary>The mean curve of one metric (accuracy or loss) on one split, over all seeds of a variant.</summary>
    public static Seq<CurvePoint> Metric(Seq<RunData> runs, Split split, Func<MetricRow, Option<double>> metric, XScale scale) =>
        MeanByStep(runs.Map(r => r.Metrics
            .Filter(m => m.Split == split)
            .Choose(m => metric(m).Map(v => (m.Step, scale == XScale.Steps ? (double)m.Step : m.Epoch, v)))));

    /// <summary>The mean line as a series.</summary>
    public static Series ToSeries(string name, Seq<CurvePoint> curve, int style, LineWeight weight = LineWeight.Primary) =>
        new(name, curve.Map(p => (p.X, p.Mean)), style, weight);

    /// <summary>
    /// The ±1 std band over the points that have a std (≥ 2 seeds there); none when fewer than two such points exist,
    /// e.g. for a single seed.
    /// </summary>
    public static Option<Band> ToBand(string name, Seq<CurvePoint> curve, int style)
    {
        var spread = curve.Choose(p => p.Std.Map(s => (p.X, p.Mean - s, p.Mean + s)));
        return spread.Count >= 2 ? Some(new Band(name, spread, style)) : None;
    }
}
