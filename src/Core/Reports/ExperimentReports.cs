using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>Builds an <see cref="ExperimentReport"/> from parsed results: table rows, sentence, figures, configs, raw files.</summary>
public static class ExperimentReports
{
    public static ExperimentReport Build(ExperimentData experiment)
    {
        var rows = Rows(experiment);
        var configs = VariantStyles.Ordered(experiment).Choose(v =>
            experiment.Runs.Filter(r => r.Variant == v).OrderBy(r => r.Seed).ToArray().ToSeq()
                .Choose(r => r.ConfigText).HeadOrNone().Map(c => (v, c)));
        var study = Studies.StudyReports.For(experiment);
        // A study draws the paper's figures; the per-variant curves and bars stay readable only for a handful of variants
        // (a sweep of 24 run variants would draw 24 curves and bars).
        var generic = study.IsSome && VariantStyles.Ordered(experiment).Count > MaxVariantsForGenericFigures
            ? Seq<Figure>()
            : SeqOps.Concat(TrainingCurves.For(experiment), IoffeFigures.For(experiment), FinalComparisons.For(experiment));
        var figures = study.Map(s => s.Figures).IfNone(Seq<Figure>()) + generic;
        var raw = experiment.Runs.OrderBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Seed).ToArray().ToSeq().Bind(r => r.Files);
        var sentence = study.Map(s => s.Verdict.Text).IfNone(() => BnEffect.Sentence(rows));
        return new ExperimentReport(experiment.Info, configs, rows, sentence, figures, raw, Statistics(experiment), study);
    }

    /// <summary>Above this many run variants, a study's section shows only its own figures.</summary>
    public const int MaxVariantsForGenericFigures = 6;

    /// <summary>Test accuracy of the complete runs per variant, each against the baseline experiment.json names for it.</summary>
    public static Seq<VariantStatistics> Statistics(ExperimentData experiment) =>
        VariantStatistics.Of(
            VariantStyles.Ordered(experiment).Map(v => (v, experiment.Runs.Filter(r => r.Variant == v && RunValues.Counts(r))
                .Choose(RunValues.TestAccuracy).Strict())).Strict(),
            v => experiment.Info.Baselines.Find(v));

    public static Seq<ResultRow> Rows(ExperimentData experiment) =>
        VariantStyles.Ordered(experiment).Map(v =>
        {
            var runs = experiment.Runs.Filter(r => r.Variant == v);
            var test = RunValues.Over(runs, RunValues.TestAccuracy);
            var reported = experiment.Info.Reported.Find(v);
            var reportedAcc = reported.Bind(r => r.TestAccuracy);
            var conventions = runs.Choose(r => r.Summary).Map(s => s.BnConvention).Filter(c => c.Length > 0).Distinct();
            return new ResultRow(
                v,
                BnClassification.UsesBn(v, runs),
                conventions.IsEmpty ? "unknown" : string.Join("/", conventions),
                runs.Count,
                runs.Filter(RunValues.Counts).Count,
                test,
                RunValues.Over(runs, RunValues.BestValAccuracy),
                RunValues.Over(runs, RunValues.WallSeconds),
                RunValues.Over(runs, RunValues.SecondsPerEpoch),
                RunValues.Over(runs, RunValues.ImagesPerSecond),
                reportedAcc,
                from t in test from r in reportedAcc select (t.Mean - r) * 100,
                reported.Bind(r => r.WallSeconds),
                Problems(runs));
        });

    /// <summary>"seed 2: diverged at step 1234 (loss is NaN)" for every run that did not complete.</summary>
    private static Seq<string> Problems(Seq<RunData> runs) =>
        runs.Filter(r => !RunValues.Counts(r)).Map(r =>
        {
            var status = RunValues.Status(r);
            var at = r.Summary.Bind(s => s.DivergedAtStep).Map(s => $" at step {s}").IfNone("");
            var why = r.Summary.Bind(s => s.Message).Map(m => $" ({m})").IfNone("");
            return $"seed {r.Seed}: {status}{at}{why}";
        });
}
