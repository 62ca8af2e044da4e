using System.Text.RegularExpressions;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// Ioffe &amp; Szegedy (2015), Figure 1: (a) test accuracy over training steps with vs without BN; (b, c) the 15th, 50th
/// and 85th percentiles of the input to a sigmoid of the last hidden layer over steps, without BN | with BN, on one
/// shared y axis (the paper's point: with BN the distribution is stable, without it drifts).
/// </summary>
public static partial class IoffeFigures
{
    public const string PercentileProbe = "percentiles";
    private static readonly Seq<(string Stat, string Name, LineWeight Weight)> Percentiles = Seq(
        ("p85", "85th percentile", LineWeight.Secondary),
        ("p50", "50th percentile (median)", LineWeight.Primary),
        ("p15", "15th percentile", LineWeight.Secondary));

    /// <summary>Both figures where the data exist: (a) needs test accuracy at ≥ 2 steps, (b, c) needs percentile probes.</summary>
    public static Seq<Figure> For(ExperimentData experiment)
    {
        var hasProbes = experiment.Runs.Exists(r => r.Probes.Exists(p => p.Probe == PercentileProbe));
        var asked = experiment.Info.Figures.Exists(f => IoffeName().IsMatch(f)) || experiment.Info.Kind.Contains("ioffe", StringComparison.OrdinalIgnoreCase);
        return (hasProbes || asked)
            ? Seq(TestAccuracyOverSteps(experiment), SigmoidInputPercentiles(experiment)).Somes()
            : Empty;
    }

    /// <summary>Figure 1(a): mean test accuracy over steps per variant, no-BN variants first.</summary>
    public static Option<Figure> TestAccuracyOverSteps(ExperimentData experiment)
    {
        var styles = VariantStyles.For(experiment);
        var curves = NoBnFirst(experiment)
            .Map(v => (variant: v, style: styles.Find(v).IfNone(0),
                curve: SeedCurves.Metric(RunsOf(experiment, v), Split.Test, m => m.Accuracy, XScale.Steps)))
            .Filter(c => c.curve.Count >= 2);
        if (curves.IsEmpty) return None;
        var all = curves.Bind(c => c.curve);
        var seeds = experiment.Runs.Map(r => r.Seed).Distinct().Count;
        return new Chart(
            "ioffe-1a",
            "Test accuracy over training, with vs without BN (Ioffe & Szegedy 2015, Fig. 1a)",
            Axis.Nice(AxisLabels.Steps, all.Map(p => p.X).Min(), all.Map(p => p.X).Max()),
            Axis.Nice(AxisLabels.TestAccuracy, all.Map(p => p.Mean - p.Std.IfNone(0)).Min(), all.Map(p => p.Mean + p.Std.IfNone(0)).Max()),
            curves.Map(c => SeedCurves.ToSeries(c.variant, c.curve, c.style)),
            curves.Choose(c => SeedCurves.ToBand(c.variant, c.curve, c.style)),
            Some(TrainingCurves.SeedNote(seeds)));
    }

    /// <summary>Figure 1(b, c): one panel per variant with percentile probes (no BN first), each with the p15/p50/p85 curves.</summary>
    public static Option<Figure> SigmoidInputPercentiles(ExperimentData experiment)
    {
        var rows = experiment.Runs.Bind(r => r.Probes).Filter(p => p.Probe == PercentileProbe);
        return LastHiddenLayer(rows.Map(p => p.Layer)).Bind(layer =>
        {
            var styles = VariantStyles.For(experiment);
            var panels = NoBnFirst(experiment).Choose(v =>
            {
                var runs = RunsOf(experiment, v);
                var series = Percentiles.Choose(p =>
                {
                    var curve = SeedCurves.MeanByStep(runs.Map(r => r.Probes
                        .Filter(q => q.Probe == PercentileProbe && q.Layer == layer && q.Stat == p.Stat)
                        .Map(q => (q.Step, (double)q.Step, q.Value))));
                    return curve.Count >= 1 ? Some(SeedCurves.ToSeries(p.Name, curve, styles.Find(v).IfNone(0), p.Weight)) : None;
                });
                var bn = BnClassification.UsesBn(v, runs);
                return series.IsEmpty ? None : Some((variant: v, bn, series));
            });
            if (panels.IsEmpty) return None;
            var points = panels.Bind(p => p.series).Bind(s => s.Points);
            var x = Axis.Nice(AxisLabels.Steps, points.Map(p => p.X).Min(), points.Map(p => p.X).Max());
            var y = Axis.Nice(AxisLabels.SigmoidInput, points.Map(p => p.Y).Min(), points.Map(p => p.Y).Max());
            var seeds = experiment.Runs.Map(r => r.Seed).Distinct().Count;
            return Some<Figure>(new PanelFigure(
                "ioffe-1bc",
                $"Input to a sigmoid of the last hidden layer ({layer}): 15th, 50th, 85th percentiles (Ioffe & Szegedy 2015, Fig. 1b, c)",
                panels.Map(p => new Chart($"ioffe-1bc-{p.variant}", $"{(p.bn ? "with BN" : "without BN")}: {p.variant}", x, y, p.series, Empty, None)),
                Some(seeds >= 2 ? $"percentiles averaged over {seeds} seeds" : "single seed")));
        });
    }

    /// <summary>
    /// The last hidden layer among the probed ones: the highest trailing number ("hidden3" over "hidden2"), otherwise the
    /// layer probed last in file order.
    /// </summary>
    public static Option<string> LastHiddenLayer(Seq<string> layers)
    {
        var distinct = layers.Distinct();
        if (distinct.IsEmpty) return None;
        var numbered = distinct.Choose(l =>
        {
            var m = TrailingNumber().Match(l);
            return m.Success ? Some((layer: l, n: long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))) : None;
        });
        return numbered.IsEmpty ? distinct.Last : numbered.OrderBy(t => t.n).Last().layer;
    }

    private static Seq<RunData> RunsOf(ExperimentData e, string variant) => e.Runs.Filter(r => r.Variant == variant);

    private static Seq<string> NoBnFirst(ExperimentData e) =>
        VariantStyles.Ordered(e).OrderBy(v => BnClassification.UsesBn(v, RunsOf(e, v)) ? 1 : 0).ToArray().ToSeq();

    [GeneratedRegex(@"ioffe|fig(ure)?[-_ ]?1|percentile", RegexOptions.IgnoreCase)]
    private static partial Regex IoffeName();

    [GeneratedRegex(@"\d+$")]
    private static partial Regex TrailingNumber();
}
