using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Wu &amp; He 2018, Fig. 1: test error (%) against the batch size on a log axis, one line per declared variant (norm) with
/// its 95% CI over seeds as a band. Verdict rule: the paper's claim holds when BN's error at the smallest batch minus its
/// error at the reference batch is positive with a 95% CI (Welch) that excludes 0, and GN's range (max − min of its mean
/// error over every batch size) is less than half of that rise.
/// </summary>
public static class ErrorVsBatchStudy
{
    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.ErrorVsBatch a)
    {
        var lines = Declared(e).Map(v => (variant: v, style: Style(e, v), points: ByX(e, v, a.X))).Filter(l => !l.points.IsEmpty).Strict();
        var figures = Figure(e, a, lines).ToSeq();
        var table = new StudyTable("Test error (%) by batch size: mean [95% CI] over the complete seeds",
            Seq1("batch") + lines.Map(l => l.variant),
            Xs(e, a.X).Map(x => Seq1(X(x)) + lines.Map(l => l.points.Find(p => p.X == x).Bind(p => p.Summary).Map(ErrorCell).IfNone("–"))));
        return new StudyReport(spec, Verdict(e, a), figures, Seq1(table));
    }

    static string ErrorCell(SampleSummary s) =>
        F((1 - s.Mean) * 100, 2) + s.Ci95.Map(i => $" [{F((1 - i.High) * 100, 2)}, {F((1 - i.Low) * 100, 2)}]").IfNone("");

    static Option<Figure> Figure(ExperimentData e, StudyAnalysis.ErrorVsBatch a, Seq<(string variant, int style, Seq<StudyRuns.AtX> points)> lines)
    {
        var summarised = lines.Map(l => (l.variant, l.style, points: Summarised(l.points))).Filter(l => !l.points.IsEmpty).Strict();
        if (summarised.IsEmpty) return None;
        var errors = summarised.SelectMany(l => l.points.SelectMany(p => p.Extent)).Select(acc => (1 - acc) * 100).ToArray();
        var xs = summarised.SelectMany(l => l.points.Select(p => p.X)).Distinct().OrderBy(x => x).ToSeq().Strict();
        var seeds = e.Runs.Map(r => r.Seed).Distinct().Count;
        return new Chart("study-error-vs-batch",
            "Test error vs batch size, per normalization (after Wu & He 2018, Fig. 1)",
            LogAxisOver("batch size (images per batch, log scale)", xs),
            Axis.Nice("test error (%)", errors.Min(), errors.Max()),
            summarised.Map(l => new Series(l.variant, l.points.Map(p => (p.X, (1 - p.S.Mean) * 100)).Strict(), l.style)),
            summarised.Map(l => new Band(l.variant, l.points.Choose(p => p.S.Ci95.Map(i => (p.X, (1 - i.High) * 100, (1 - i.Low) * 100))).Strict(), l.style)),
            Some(seeds >= 2 ? $"mean of {seeds} seeds per point; band: 95% confidence interval of the mean (Student t)" : "one seed per point"));
    }

    public static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.ErrorVsBatch a)
    {
        var bn = ByX(e, a.Bn, a.X);
        var gn = ByX(e, a.Gn, a.X).Choose(p => p.Summary.Map(s => (p.X, err: 1 - s.Mean))).Strict();
        var small = bn.HeadOrNone();
        var reference = bn.Find(p => p.X == a.Reference);
        if (small.IsNone || reference.IsNone || small.Map(s => s.X) == reference.Map(r => r.X))
            return StudyVerdict.NotYet($"needs {a.Bn} at batch {a.Reference} and at a smaller batch size");
        var (s0, r0) = (small.IfNone(() => throw new InvalidOperationException()), reference.IfNone(() => throw new InvalidOperationException()));
        // Error difference = accuracy difference with the sign turned: err(small) − err(ref) = acc(ref) − acc(small).
        var comparison = SeedStatistics.Compare(r0.Accuracies, s0.Accuracies, s0.RunVariant);
        if (comparison.IsNone || gn.Count < 2) return StudyVerdict.NotYet($"needs complete runs of {a.Bn} at batch {X(s0.X)} and {X(r0.X)} and of {a.Gn} at two batch sizes or more");
        var c = comparison.IfNone(() => throw new InvalidOperationException());
        var rise = c.Difference;
        var ci = c.Test.Map(t => t.Ci95);
        var gnRange = gn.Map(g => g.err).Max() - gn.Map(g => g.err).Min();
        var errSmall = 1 - s0.Accuracies.Average();
        var errRef = 1 - r0.Accuracies.Average();
        var agrees = ci.Exists(i => i.Low > 0) && gnRange < rise / 2;
        var inconclusive = ci.IsNone;
        var sentence =
            $"{a.Bn}'s test error rises by {Points(rise)} points from batch {X(r0.X)} to batch {X(s0.X)} ({F(errRef * 100, 2)}% → {F(errSmall * 100, 2)}%"
            + ci.Map(i => $"; 95% CI of the rise [{Points(i.Low)}, {Points(i.High)}]").IfNone("") + ")"
            + $", while {a.Gn}'s mean error stays within {F(gnRange * 100, 2)} points ({F(gn.Map(g => g.err).Min() * 100, 2)}–{F(gn.Map(g => g.err).Max() * 100, 2)}%) over batch sizes {string.Join(", ", gn.Map(g => X(g.X)))}.";
        return new StudyVerdict(inconclusive ? Agreement.Inconclusive : agrees ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
