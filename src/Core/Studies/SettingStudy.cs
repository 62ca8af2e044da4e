using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Ioffe 2017 (Batch Renormalization): final test accuracy per setting and method, one point with its seeds per pair, the
/// methods styled alike in every setting. The first setting is the reference. Verdict rule: the claim holds when, in every
/// other setting, BN loses accuracy against its reference accuracy and the first other method (Batch Renorm in the shipped
/// study) recovers part of it — its difference to BN in that setting positive with a 95% CI (Welch) that excludes 0.
/// </summary>
public static class SettingStudy
{
    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.AccuracyBySetting a)
    {
        var methods = a.Settings.Bind(s => s.Methods.Map(m => m.Method)).Distinct().ToSeq().Strict();
        int StyleOf(string method) => methods.Indexed().Find(p => p.Item == method).Map(p => p.Index).IfNone(0);
        var bars = a.Settings.Bind(s => s.Methods.Choose(m =>
        {
            var xs = Accuracies(e, m.Variant);
            return Estimate.Of(xs).Map(est => new Bar($"{s.Label}: {m.Method}", est.Mean, est.Std, xs, None, StyleOf(m.Method)));
        })).Strict();
        var figures = Seq<Figure>();
        if (!bars.IsEmpty)
        {
            var values = bars.Bind(b => b.Samples + Seq(b.Value - b.Error.IfNone(0), b.Value + b.Error.IfNone(0)));
            figures = Seq1<Figure>(new CategoryChart("study-accuracy-by-setting", "Final test accuracy per setting and method (after Ioffe 2017)",
                "setting: method", Axis.Nice(AxisLabels.TestAccuracy, values.Min(), values.Max()), bars, CategoryMark.Point,
                Some("mean over seeds ± 1 std; dots: individual seeds; a method has one colour in every setting")));
        }
        var table = new StudyTable("Final test accuracy: mean [95% CI] over the complete seeds",
            Seq1("setting") + methods,
            a.Settings.Map(s => Seq1(s.Label) + methods.Map(m => s.Methods.Find(x => x.Method == m)
                .Bind(x => SeedStatistics.Summarize(Accuracies(e, x.Variant))).Map(Acc).IfNone("–"))));
        return new StudyReport(spec, Verdict(e, a), figures, Seq1(table));
    }

    public static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.AccuracyBySetting a)
    {
        if (a.Settings.Count < 2) return StudyVerdict.NotYet("needs a reference setting and at least one other");
        var reference = a.Settings.Head;
        var refBn = reference.Methods.Find(m => m.Method == a.Bn).Map(m => Accuracies(e, m.Variant)).IfNone(Seq<double>());
        if (refBn.IsEmpty) return StudyVerdict.NotYet($"needs complete runs of {a.Bn} in the reference setting ({reference.Label})");
        var parts = new List<string>();
        var holds = true;
        var judged = true;
        foreach (var s in a.Settings.Tail)
        {
            var bn = s.Methods.Find(m => m.Method == a.Bn).Map(m => Accuracies(e, m.Variant)).IfNone(Seq<double>());
            if (bn.IsEmpty) { judged = false; parts.Add($"{s.Label}: no complete {a.Bn} run"); continue; }
            var loss = refBn.Average() - bn.Average();
            var others = s.Methods.Filter(m => m.Method != a.Bn).Map(m => (m.Method, c: SeedStatistics.Compare(Accuracies(e, m.Variant), bn, a.Bn))).Strict();
            var described = others.Map(o => o.c.Match(
                c => $"{o.Method} {Points(c.Difference)}" + c.Test.Map(t => $" [{Points(t.Ci95.Low)}, {Points(t.Ci95.High)}]").IfNone(""),
                () => $"{o.Method} –"));
            parts.Add($"{s.Label}: {a.Bn} {F(bn.Average(), 4)}, {Points(-loss)} points against {reference.Label}; against {a.Bn} there {string.Join(", ", described)}");
            var first = others.HeadOrNone().Bind(o => o.c);
            if (first.Bind(c => c.Test).IsNone) judged = false;
            holds &= loss > 0 && first.Bind(c => c.Test).Exists(t => t.Ci95.Low > 0);
        }
        var sentence = $"{a.Bn} reaches {F(refBn.Average(), 4)} in the reference setting ({reference.Label}); " + string.Join("; ", parts) + " (points, 95% CI).";
        return new StudyVerdict(!judged ? Agreement.Inconclusive : holds ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
