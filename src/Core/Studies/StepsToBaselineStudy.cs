using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Ioffe &amp; Szegedy 2015, Table 2 (BN-x5, BN-x30): the training steps each variant needs before its test accuracy first
/// reaches the baseline's final test accuracy (mean over the baseline's complete seeds), read from every seed's test
/// curve (at the experiment's evalEvery), against the steps the baseline trained. Verdict rule: the claim holds when
/// every other variant reaches the target with every seed, in fewer steps than the baseline trained.
/// </summary>
public static class StepsToBaselineStudy
{
    public sealed record Reach(string Variant, int Style, Seq<long> Steps, int Seeds);

    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.StepsToBaseline a)
    {
        var target = Target(e, a);
        var reaches = target.Map(t => Reaches(e, a, t)).IfNone(Seq<Reach>());
        var figures = Seq(Curves(e, target), Bars(e, reaches)).Somes();
        var baselineSteps = BaselineSteps(e, a);
        var table = new StudyTable(
            target.Map(t => $"Steps to first reach {a.Baseline}'s final test accuracy {F(t, 4)}").IfNone("Steps to reach the baseline's final test accuracy"),
            Seq("variant", "seeds reaching it", "steps (mean)", $"× fewer than {a.Baseline}'s {baselineSteps.Map(s => s.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).IfNone("?")}"),
            reaches.Map(r => Seq(r.Variant, $"{r.Steps.Count} of {r.Seeds}",
                r.Steps.IsEmpty ? "–" : Format.Thousands((long)Math.Round(r.Steps.Map(s => (double)s).Average())),
                r.Steps.IsEmpty ? "–" : baselineSteps.Map(b => F(b / r.Steps.Map(s => (double)s).Average(), 1)).IfNone("–"))));
        return new StudyReport(spec, Verdict(e, a, target, reaches, baselineSteps), figures, Seq1(table));
    }

    static Option<double> Target(ExperimentData e, StudyAnalysis.StepsToBaseline a) =>
        SeedStatistics.Summarize(Accuracies(e, a.Baseline)).Map(s => s.Mean);

    static Option<double> BaselineSteps(ExperimentData e, StudyAnalysis.StepsToBaseline a) =>
        RunsOf(e, a.Baseline).Filter(RunValues.Counts).Choose(r => r.Summary.Bind(s => s.Steps)).Map(s => (double)s).HeadOrNone();

    /// <summary>Per variant (the baseline excluded), the first step at which each complete seed's test accuracy reached the target.</summary>
    public static Seq<Reach> Reaches(ExperimentData e, StudyAnalysis.StepsToBaseline a, double target) =>
        Declared(e).Filter(v => v != a.Baseline).Map(v =>
        {
            var runs = RunsOf(e, v).Filter(RunValues.Counts);
            var steps = runs.Choose(r => r.Metrics.Filter(m => m.Split == Split.Test && m.Accuracy.Exists(x => x >= target)).HeadOrNone().Map(m => m.Step));
            return new Reach(v, Style(e, v), steps.Strict(), runs.Count);
        }).Strict();

    static Option<Figure> Curves(ExperimentData e, Option<double> target)
    {
        var curves = Declared(e).Map(v => (v, style: Style(e, v), curve: SeedCurves.Metric(RunsOf(e, v), Split.Test, m => m.Accuracy, XScale.Steps)))
            .Filter(c => c.curve.Count >= 2).Strict();
        if (curves.IsEmpty) return None;
        var all = curves.Bind(c => c.curve);
        var (x0, x1) = (all.Map(p => p.X).Min(), all.Map(p => p.X).Max());
        var targetLine = target.Map(t => new Series("baseline's final test accuracy", Seq((x0, t), (x1, t)), VariantStyles.ReferenceStyle, LineWeight.Secondary));
        // The early steps of a sigmoid network sit near chance: the y axis starts where the curves become readable.
        var lo = Math.Max(all.Map(p => p.Mean).Min(), target.Map(t => t - 0.1).IfNone(0));
        return new Chart("study-steps-to-baseline",
            "Test accuracy over training: the baseline vs BN at 1×, 5× and 30× its learning rate (after Ioffe & Szegedy 2015, Table 2)",
            Axis.Nice(AxisLabels.Steps, x0, x1),
            Axis.Nice(AxisLabels.TestAccuracy, lo, Math.Max(all.Map(p => p.Mean).Max(), target.IfNone(0))),
            curves.Map(c => SeedCurves.ToSeries(c.v, c.curve.Filter(p => p.Mean >= lo), c.style)) + targetLine.ToSeq(),
            Seq<Band>(),
            Some(MeanNote(e) + "; thin line: the baseline's final test accuracy (mean over seeds)"));
    }

    static Option<Figure> Bars(ExperimentData e, Seq<Reach> reaches)
    {
        var bars = reaches.Filter(r => !r.Steps.IsEmpty).Map(r =>
        {
            var xs = r.Steps.Map(s => (double)s).Strict();
            var est = Estimate.Of(xs);
            return new Bar(r.Variant, xs.Average(), est.Bind(x => x.Std), xs, None, r.Style);
        }).Strict();
        if (bars.IsEmpty) return None;
        return new CategoryChart("study-steps-to-baseline-bars", "Training steps to reach the baseline's final test accuracy",
            AxisLabels.Variant, Axis.Nice("steps to reach it", 0, bars.Map(b => b.Value + b.Error.IfNone(0)).Max()), bars, CategoryMark.Bar,
            Some("mean over the seeds that reach it, ±1 std; dots: individual seeds"));
    }

    static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.StepsToBaseline a, Option<double> target, Seq<Reach> reaches, Option<double> baselineSteps)
    {
        if (target.IsNone || baselineSteps.IsNone || reaches.IsEmpty)
            return StudyVerdict.NotYet($"needs complete runs of {a.Baseline} and of at least one other variant");
        var (t, b) = (target.IfNone(0), baselineSteps.IfNone(0));
        var parts = reaches.Map(r => r.Steps.IsEmpty
            ? $"{r.Variant} never reaches it ({r.Seeds} seeds)"
            : $"{r.Variant} reaches it after {Format.Thousands((long)Math.Round(r.Steps.Map(s => (double)s).Average()))} steps ({F(b / r.Steps.Map(s => (double)s).Average(), 1)}× fewer)"
              + (r.Steps.Count < r.Seeds ? $", {r.Seeds - r.Steps.Count} of {r.Seeds} seeds never do" : ""));
        var sentence = $"{a.Baseline} ends at test accuracy {F(t, 4)} after {Format.Thousands((long)b)} steps; " + string.Join("; ", parts) + ".";
        var agrees = reaches.ForAll(r => r.Seeds > 0 && r.Steps.Count == r.Seeds && r.Steps.Map(s => (double)s).Average() < b);
        return new StudyVerdict(agrees ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
