using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Frankle, Schwab &amp; Morcos 2020: final test accuracy against the width (log axis), one line per declared variant — which
/// parameters train — with chance as a reference line, and a table of the trainable parameters of each. Verdict rule:
/// the claim holds when training only BN's γ and β reaches, at the widest network, at least 20 points above chance with
/// a 95% CI above that.
/// </summary>
public static class WidthStudy
{
    public const double FarAboveChance = 0.20;

    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.AccuracyVsWidth a)
    {
        var lines = Lines(e, a.X);
        var table = new StudyTable($"Final test accuracy, mean [95% CI], and trainable parameters by {a.X}",
            Seq1(a.X) + lines.Map(l => l.Variant), RowsByX(e, a.X, lines, Cell));
        return new StudyReport(spec, Verdict(e, a), Figure(e, a, lines, Xs(e, a.X)).ToSeq(), Seq1(table));
    }

    static Option<long> Trainable(StudyRuns.AtX p) => p.Runs.Choose(r => r.Summary.Bind(s => s.TrainableParams)).HeadOrNone();

    static string Cell(StudyRuns.AtX p) =>
        p.Summary.Map(Acc).IfNone("–") + Trainable(p).Map(t => $" · {t.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} trainable").IfNone("");

    static Option<Figure> Figure(ExperimentData e, StudyAnalysis.AccuracyVsWidth a, Seq<StudyRuns.Line> lines, Seq<double> xs)
    {
        var drawn = lines.Filter(l => !l.Done.IsEmpty).Strict();
        if (drawn.IsEmpty) return None;
        var values = drawn.SelectMany(l => l.Done.SelectMany(p => p.Extent)).Append(a.Chance).ToArray();
        var chance = new Series($"chance ({F(a.Chance, 2)})", Seq((xs.Min(), a.Chance), (xs.Max(), a.Chance)), VariantStyles.ReferenceStyle, LineWeight.Secondary);
        var seeds = e.Runs.Map(r => r.Seed).Distinct().Count;
        return new Chart($"study-accuracy-vs-{a.X}",
            $"Final test accuracy vs width ({a.X}), by what trains (after Frankle, Schwab & Morcos 2020)",
            LogAxisOver($"width: {a.X} (log scale)", xs),
            Axis.Nice(AxisLabels.TestAccuracy, Math.Max(0, values.Min()), Math.Min(1, values.Max())),
            drawn.Map(l => l.Mean(v => v)) + Seq1(chance),
            drawn.Map(l => l.Ci(v => v)),
            Some(seeds >= 2 ? $"mean of {seeds} seeds per point; band: 95% CI of the mean" : "one seed per point"));
    }

    public static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.AccuracyVsWidth a)
    {
        var bn = ByX(e, a.BnOnly, a.X).Filter(p => p.Summary.IsSome);
        if (bn.IsEmpty) return StudyVerdict.NotYet($"needs complete runs of {a.BnOnly}");
        var widest = bn.Last;
        var s = widest.Summary.IfNone(() => throw new InvalidOperationException());
        Option<(SampleSummary S, Option<long> T)> At(string v) =>
            ByX(e, v, a.X).Find(p => p.X == widest.X).Bind(p => p.Summary.Map(x => (x, Trainable(p))));
        string Params(Option<long> t) => t.Map(x => $", {x.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} trainable parameters").IfNone("");
        var output = At(a.OutputOnly).Map(o => $"; training only the output layer gives {Acc(o.S)}{Params(o.T)}").IfNone("");
        var full = At(a.Full).Map(o => $"; training every parameter {Acc(o.S)}{Params(o.T)}").IfNone("");
        var sentence = $"at {a.X} {X(widest.X)}, training only BN's γ and β reaches test accuracy {Acc(s)}{Params(Trainable(widest))}, "
                       + $"{Points(s.Mean - a.Chance)} points above chance ({F(a.Chance, 2)}){output}{full}.";
        if (s.Ci95.IsNone) return new StudyVerdict(Agreement.Inconclusive, sentence + " (one seed: no interval)");
        var agrees = s.Ci95.Exists(i => i.Low >= a.Chance + FarAboveChance);
        return new StudyVerdict(agrees ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
