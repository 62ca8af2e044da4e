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
        var lines = Lines(e, a.X);
        var figures = Figure(e, lines).ToSeq();
        var table = new StudyTable("Test error (%) by batch size: mean [95% CI] over the complete seeds",
            Seq1("batch") + lines.Map(l => l.Variant), RowsByX(e, a.X, lines, p => p.Summary.Map(ErrorCell).IfNone("–")));
        return new StudyReport(spec, Verdict(e, a), figures, Seq1(table));
    }

    static double ErrorPercent(double accuracy) => (1 - accuracy) * 100;

    static string ErrorCell(SampleSummary s) =>
        F(ErrorPercent(s.Mean), 2) + s.Ci95.Map(i => $" [{F(ErrorPercent(i.High), 2)}, {F(ErrorPercent(i.Low), 2)}]").IfNone("");

    static Option<Figure> Figure(ExperimentData e, Seq<StudyRuns.Line> lines)
    {
        var drawn = lines.Filter(l => !l.Done.IsEmpty).Strict();
        if (drawn.IsEmpty) return None;
        var errors = drawn.SelectMany(l => l.Done.SelectMany(p => p.Extent)).Select(ErrorPercent).ToArray();
        var xs = drawn.SelectMany(l => l.Done.Select(p => p.X)).Distinct().OrderBy(x => x).ToSeq().Strict();
        var seeds = e.Runs.Map(r => r.Seed).Distinct().Count;
        return new Chart("study-error-vs-batch",
            "Test error vs batch size, per normalization (after Wu & He 2018, Fig. 1)",
            LogAxisOver("batch size (images per batch, log scale)", xs),
            Axis.Nice("test error (%)", errors.Min(), errors.Max()),
            drawn.Map(l => l.Mean(ErrorPercent)),
            drawn.Map(l => l.Ci(ErrorPercent)),
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
