using System.Globalization;
using NormLab.Core.Experiments;
using NormLab.Core.Reports;

namespace NormLab.Core.Studies;

/// <summary>
/// A study's runs read through their names: the declared variant and the sweep point of each (<see cref="SweepPoint"/>),
/// final test accuracies of the complete runs, and the runs that diverged. Only complete runs are results (as in every
/// table of the report); a diverged run is counted and shown, never averaged in.
/// </summary>
public static class StudyRuns
{
    /// <summary>One run variant of a declared variant at one x value.</summary>
    public sealed record AtX(double X, string RunVariant, Seq<double> Accuracies, Seq<RunData> Runs)
    {
        public int Diverged => Runs.Count(r => RunValues.Status(r) == "diverged");
        public Option<SampleSummary> Summary => SeedStatistics.Summarize(Accuracies);
    }

    /// <summary>One x with the summary of its complete seeds.</summary>
    public sealed record Point(double X, SampleSummary S)
    {
        /// <summary>The mean and, with an interval, its ends: what an axis must cover.</summary>
        public IEnumerable<double> Extent => S.Ci95.Match(i => new[] { S.Mean, i.Low, i.High }, () => new[] { S.Mean });
    }

    /// <summary>
    /// One line of a study over a sweep axis: a declared variant, its style, its run variants by x. <see cref="Mean"/> and
    /// <see cref="Ci"/> draw it, through <c>y</c> (identity for accuracy, <c>(1 − acc)·100</c> for error in %, whose
    /// interval ends swap — the band takes the smaller end as its low).
    /// </summary>
    public sealed record Line(string Variant, int Style, Seq<AtX> Points)
    {
        public Seq<Point> Done => Summarised(Points);

        public Series Mean(Func<double, double> y) => new(Variant, Done.Map(p => (p.X, y(p.S.Mean))).Strict(), Style);

        public Band Ci(Func<double, double> y) =>
            new(Variant, Done.Choose(p => p.S.Ci95.Map(i => (p.X, Math.Min(y(i.Low), y(i.High)), Math.Max(y(i.Low), y(i.High))))).Strict(), Style);
    }

    /// <summary>A line per declared variant that has run variants on the axis labelled <paramref name="label"/>.</summary>
    public static Seq<Line> Lines(ExperimentData e, string label) =>
        Declared(e).Map(v => new Line(v, Style(e, v), ByX(e, v, label))).Filter(l => !l.Points.IsEmpty).Strict();

    /// <summary>A study table's rows: one per x that was run, one cell per line (– where the line has no run there).</summary>
    public static Seq<Seq<string>> RowsByX(ExperimentData e, string label, Seq<Line> lines, Func<AtX, string> cell) =>
        Xs(e, label).Map(x => Seq1(X(x)) + lines.Map(l => l.Points.Find(p => p.X == x).Map(cell).IfNone("–"))).Strict();

    /// <summary>The points of a line that have complete seeds.</summary>
    public static Seq<Point> Summarised(Seq<AtX> points) =>
        points.Choose(p => p.Summary.Map(s => new Point(p.X, s))).Strict();

    /// <summary>The declared variants in the experiment's order (experiment.json's variants, then any found only on disk).</summary>
    public static Seq<string> Declared(ExperimentData e) =>
        (e.Info.Variants + e.Runs.Map(r => r.Variant)).Map(v => SweepPoint.Parse(v).Declared).Distinct().ToSeq().Strict();

    /// <summary>The style index of a declared variant: its position, so it looks the same in every figure of the study.</summary>
    public static int Style(ExperimentData e, string declared) => Declared(e).Indexed().Find(p => p.Item == declared).Map(p => p.Index).IfNone(0);

    public static Seq<RunData> RunsOf(ExperimentData e, string runVariant) => e.Runs.Filter(r => r.Variant == runVariant).OrderBy(r => r.Seed).ToSeq().Strict();

    /// <summary>Final test accuracies of the complete runs of one run variant.</summary>
    public static Seq<double> Accuracies(ExperimentData e, string runVariant) =>
        RunsOf(e, runVariant).Filter(RunValues.Counts).Choose(RunValues.TestAccuracy).Filter(double.IsFinite).Strict();

    /// <summary>The run variants of <paramref name="declared"/> with a numeric value on the axis labelled <paramref name="label"/>, by x.</summary>
    public static Seq<AtX> ByX(ExperimentData e, string declared, string label) =>
        e.Runs.Map(r => r.Variant).Distinct()
            .Map(v => (v, p: SweepPoint.Parse(v)))
            .Filter(t => t.p.Declared == declared)
            .Choose(t => t.p.Number(label).Map(x => new AtX(x, t.v, Accuracies(e, t.v), RunsOf(e, t.v))))
            .OrderBy(a => a.X).ToSeq().Strict();

    /// <summary>Every x any declared variant was run at, ascending.</summary>
    public static Seq<double> Xs(ExperimentData e, string label) =>
        e.Runs.Map(r => r.Variant).Distinct().Choose(v => SweepPoint.Parse(v).Number(label)).Distinct().OrderBy(x => x).ToSeq().Strict();

    /// <summary>A log axis whose ticks are the values run (batch sizes 2 … 64, widths): every run value is labelled.</summary>
    public static Axis LogAxisOver(string label, Seq<double> values) =>
        new(label, values.Min(), values.Max(), values.Count <= 9 ? values : NiceTicks.Decades(values.Min(), values.Max()), Log: true);

    public static string F(double v, int decimals) => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A signed number of percentage points, "+11.1".</summary>
    public static string Points(double fractionDifference, int decimals = 1) =>
        (fractionDifference * 100).ToString((decimals == 1 ? "+0.0;-0.0;+0.0" : "+0.00;-0.00;+0.00"), CultureInfo.InvariantCulture);

    /// <summary>"0.8812 [0.8790, 0.8834]" for a summary, the mean alone with one seed.</summary>
    public static string Acc(SampleSummary s) =>
        F(s.Mean, 4) + s.Ci95.Map(i => $" [{F(i.Low, 4)}, {F(i.High, 4)}]").IfNone("");

    /// <summary>A number as it appears in a sweep value (0.001, 32), for sentences.</summary>
    public static string X(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The caption of a figure whose lines are means over seeds without a band of their spread.</summary>
    public static string MeanNote(ExperimentData e) =>
        e.Runs.Map(r => r.Seed).Distinct().Count() is var n && n >= 2 ? $"mean over {n} seeds" : "single seed";

    /// <summary>"n = 3" for a sentence's parenthesis.</summary>
    public static string N(SampleSummary s) => $"n = {s.N.ToString(CultureInfo.InvariantCulture)}";
}
