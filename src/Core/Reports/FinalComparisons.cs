using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// Figure 4 of the report: final test accuracy per variant (mean, ±1 std whiskers, each seed as a dot, the source
/// study's value as a reference mark) and wall time per epoch per variant (bars from zero: "does BN cost time?").
/// </summary>
public static class FinalComparisons
{
    public static Seq<Figure> For(ExperimentData experiment) =>
        Seq(FinalTestAccuracy(experiment), TimePerEpoch(experiment)).Somes();

    public static Option<Figure> FinalTestAccuracy(ExperimentData experiment)
    {
        var bars = Bars(experiment, RunValues.TestAccuracy, v => experiment.Info.Reported.Find(v).Bind(r => r.TestAccuracy));
        if (bars.IsEmpty) return None;
        var values = bars.Bind(b => SeqOps.Concat(b.Samples, b.Reference.ToSeq(), Seq(b.Value - b.Error.IfNone(0), b.Value + b.Error.IfNone(0))));
        return new CategoryChart("final-accuracy", "Final test accuracy per variant", AxisLabels.Variant,
            Axis.Nice(AxisLabels.TestAccuracy, values.Min(), values.Max()), bars, CategoryMark.Point,
            Some(Note(experiment, bars, "mean ± 1 std over seeds; dots: individual seeds")));
    }

    public static Option<Figure> TimePerEpoch(ExperimentData experiment)
    {
        // The study reports total wall time of a run; per epoch that is divided by the epochs our runs did (same schedule).
        var bars = Bars(experiment, RunValues.SecondsPerEpoch, v =>
            from reported in experiment.Info.Reported.Find(v).Bind(r => r.WallSeconds)
            from epochs in RunValues.Over(experiment.Runs.Filter(r => r.Variant == v), RunValues.Epochs)
            where epochs.Mean > 0
            select reported / epochs.Mean);
        if (bars.IsEmpty) return None;
        var values = bars.Bind(b => SeqOps.Concat(b.Samples, b.Reference.ToSeq(), Seq(0.0, b.Value + b.Error.IfNone(0))));
        return new CategoryChart("time-per-epoch", "Wall time per epoch per variant", AxisLabels.Variant,
            Axis.Nice(AxisLabels.SecondsPerEpoch, 0, values.Max()), bars, CategoryMark.Bar,
            Some(Note(experiment, bars, "mean ± 1 std over seeds; dots: individual seeds")));
    }

    private static Seq<Bar> Bars(ExperimentData experiment, Func<RunData, Option<double>> value, Func<string, Option<double>> reference)
    {
        var styles = VariantStyles.For(experiment);
        return VariantStyles.Ordered(experiment).Choose(v =>
        {
            var runs = experiment.Runs.Filter(r => r.Variant == v && RunValues.Counts(r));
            var samples = runs.Choose(value).Filter(double.IsFinite);
            return Estimate.Of(samples).Map(e => new Bar(v, e.Mean, e.Std, samples, reference(v), styles.Find(v).IfNone(0)));
        });
    }

    private static string Note(ExperimentData experiment, Seq<Bar> bars, string what) =>
        bars.Exists(b => b.Reference.IsSome) ? $"{what}; open diamond: value reported by the source study" : what;
}
