using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// Figure 1 of the report: accuracy and loss over training, one line per variant (mean over seeds, ±1 std band with
/// several seeds), one panel per split (train | val | test) sharing the y axis so the splits compare at a glance.
/// </summary>
public static class TrainingCurves
{
    private static readonly Seq<Split> Splits = Seq(Split.Train, Split.Val, Split.Test);

    /// <summary>Epochs when the runs span at least one epoch, otherwise steps (a smoke run of a few hundred steps).</summary>
    public static XScale ChooseScale(ExperimentData experiment) =>
        experiment.Runs.Bind(r => r.Metrics).Map(m => m.Epoch).Fold(0.0, Math.Max) >= 1 ? XScale.Epochs : XScale.Steps;

    public static Seq<Figure> For(ExperimentData experiment)
    {
        var scale = ChooseScale(experiment);
        return Seq(
                Build(experiment, scale, "accuracy", "Accuracy during training", AxisLabels.Accuracy, m => m.Accuracy),
                Build(experiment, scale, "loss", "Loss during training", AxisLabels.Loss, m => m.Loss))
            .Somes();
    }

    private static Option<Figure> Build(
        ExperimentData experiment, XScale scale, string id, string title, string yLabel, Func<MetricRow, Option<double>> metric)
    {
        var styles = VariantStyles.For(experiment);
        var variants = VariantStyles.Ordered(experiment);
        var seeds = experiment.Runs.Map(r => r.Seed).Distinct().Count;

        // Per split: the variants' mean curves; a split appears when some variant has at least two points on it.
        var perSplit = Splits.Map(split => (split, curves: variants.Map(v =>
                (variant: v, style: styles.Find(v).IfNone(0),
                 curve: SeedCurves.Metric(experiment.Runs.Filter(r => r.Variant == v), split, metric, scale)))
            .Filter(c => c.curve.Count >= 1)))
            .Filter(s => s.curves.Exists(c => c.curve.Count >= 2));
        if (perSplit.IsEmpty) return None;

        var all = perSplit.Bind(s => s.curves).Bind(c => c.curve);
        var xs = all.Map(p => p.X);
        var lows = all.Map(p => p.Mean - p.Std.IfNone(0));
        var highs = all.Map(p => p.Mean + p.Std.IfNone(0));
        var x = Axis.Nice(AxisLabels.For(scale), xs.Min(), xs.Max());
        var y = SharedY(yLabel, lows.Min(), highs.Max());

        var panels = perSplit.Map(s => new Chart(
            $"{id}-{SplitName(s.split)}",
            SplitTitle(s.split),
            x, y,
            s.curves.Map(c => SeedCurves.ToSeries(c.variant, c.curve, c.style)),
            s.curves.Choose(c => SeedCurves.ToBand(c.variant, c.curve, c.style)),
            None));
        return new PanelFigure(id, title, panels, Some(SeedNote(seeds)));
    }

    /// <summary>Loss spanning more than ~1.5 decades reads better on a log axis; accuracy and narrow ranges stay linear.</summary>
    private static Axis SharedY(string label, double lo, double hi) =>
        label == AxisLabels.Loss && lo > 0 && hi / lo > 30 ? Axis.NiceLog(label, lo, hi) : Axis.Nice(label, lo, hi);

    public static string SeedNote(int seeds) =>
        seeds >= 2 ? $"mean over {seeds} seeds; shaded band: ±1 standard deviation" : "single seed";

    public static string SplitName(Split split) => split switch
    {
        Split.Train => "train",
        Split.Val => "val",
        _ => "test",
    };

    private static string SplitTitle(Split split) => split switch
    {
        Split.Train => "training (average since previous log)",
        Split.Val => "validation",
        _ => "test",
    };
}
