using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// The final numbers of one run, read from summary.json and, where a field is missing, derived from metrics.csv.
/// Only finished runs count towards final numbers: a diverged or cancelled run's last accuracy is not a result.
/// </summary>
public static class RunValues
{
    public static string Status(RunData run) => run.Summary.Map(s => s.Status).IfNone("unknown");

    /// <summary>Complete runs, and runs without a summary that still have a test measurement (an older or partial writer).</summary>
    public static bool Counts(RunData run) =>
        run.Summary.Match(s => s.Status == "complete", () => LastTest(run).IsSome);

    public static Option<double> TestAccuracy(RunData run) =>
        run.Summary.Bind(s => s.TestAccuracy) | LastTest(run).Bind(m => m.Accuracy);

    public static Option<double> BestValAccuracy(RunData run) =>
        run.Summary.Bind(s => s.BestValAccuracy)
        | run.Metrics.Filter(m => m.Split == Split.Val).Choose(m => m.Accuracy).Fold(Option<double>.None, (best, v) => best.Match(b => Math.Max(b, v), () => v));

    public static Option<double> WallSeconds(RunData run) =>
        run.Summary.Bind(s => s.WallSeconds) | run.Metrics.LastOrNone().Map(m => m.Time);

    public static Option<double> Epochs(RunData run) =>
        run.Summary.Bind(s => s.Epochs) | run.Metrics.LastOrNone().Map(m => m.Epoch);

    public static Option<double> SecondsPerEpoch(RunData run) =>
        run.Summary.Bind(s => s.SecondsPerEpoch)
        | (from w in WallSeconds(run) from e in Epochs(run) where e > 0 select w / e);

    public static Option<double> ImagesPerSecond(RunData run) => run.Summary.Bind(s => s.ImagesPerSecond);

    /// <summary>An estimate over the counted runs of a variant.</summary>
    public static Option<Estimate> Over(Seq<RunData> runs, Func<RunData, Option<double>> value) =>
        Estimate.Of(runs.Filter(Counts).Choose(value));

    private static Option<MetricRow> LastTest(RunData run) =>
        run.Metrics.Filter(m => m.Split == Split.Test && m.Accuracy.IsSome).LastOrNone();
}
