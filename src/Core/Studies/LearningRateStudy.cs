using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Bjorck, Gomes, Selman &amp; Weinberger 2018: final test accuracy against the learning rate (log axis), one line per
/// declared variant over the rates where its runs completed, and an asterisk at the bottom of the plot for every rate at
/// which a run diverged. Verdict rule: the claim holds when BN still trains (every seed complete) at a learning rate
/// higher than the highest at which the network without BN trains, and BN's best mean accuracy is above the best
/// without BN.
/// </summary>
public static class LearningRateStudy
{
    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.AccuracyVsLearningRate a)
    {
        var lines = Lines(e, a.X);
        var table = new StudyTable("Final test accuracy by learning rate: mean [95% CI] over the complete seeds; diverged runs counted",
            Seq1("learning rate") + lines.Map(l => l.Variant), RowsByX(e, a.X, lines, Cell));
        return new StudyReport(spec, Verdict(e, a), Figure(e, lines).ToSeq(), Seq1(table));
    }

    static string Cell(StudyRuns.AtX p) =>
        p.Summary.Map(Acc).IfNone("–") + (p.Diverged > 0 ? $" ({p.Diverged} of {p.Runs.Count} diverged)" : "");

    static Option<Figure> Figure(ExperimentData e, Seq<StudyRuns.Line> lines)
    {
        var xs = lines.Bind(l => l.Points.Map(p => p.X)).Distinct().OrderBy(x => x).ToSeq().Strict();
        var values = lines.SelectMany(l => l.Done.SelectMany(p => p.Extent)).ToArray();
        if (xs.IsEmpty || values.Length == 0) return None;
        var y = Axis.Nice("final test accuracy (fraction correct)", Math.Min(values.Min(), 0.1), values.Max());
        var diverged = lines.Map(l => new Series($"{l.Variant}: diverged", l.Points.Filter(p => p.Diverged > 0).Map(p => (p.X, y.Min)), l.Style, LineWeight.MarksOnly))
            .Filter(s => !s.Points.IsEmpty);
        var seeds = e.Runs.Map(r => r.Seed).Distinct().Count;
        return new Chart("study-accuracy-vs-lr",
            "Final test accuracy vs learning rate, with and without BN (after Bjorck et al. 2018)",
            Axis.NiceLog("learning rate (log scale)", xs.Min(), xs.Max()),
            y,
            lines.Filter(l => !l.Done.IsEmpty).Map(l => l.Mean(v => v)) + diverged,
            lines.Map(l => l.Ci(v => v)),
            Some((seeds >= 2 ? $"mean of the complete seeds ({seeds} per point); band: 95% CI" : "one seed per point")
                 + "; asterisks at the bottom: learning rates at which a run diverged (loss NaN or infinite), not averaged in"));
    }

    /// <summary>The highest rate at which every run of the variant completed, its best rate (highest mean) and that mean.</summary>
    static (Option<double> HighestTrained, Option<(double X, SampleSummary S)> Best) Read(Seq<StudyRuns.AtX> points)
    {
        var trained = points.Filter(p => p.Runs.Count > 0 && p.Runs.ForAll(RunValues.Counts)).Map(p => p.X);
        var best = points.Choose(p => p.Summary.Map(s => (p.X, S: s))).OrderByDescending(p => p.S.Mean).HeadOrNone();
        return (trained.IsEmpty ? None : Some(trained.Max()), best);
    }

    public static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.AccuracyVsLearningRate a)
    {
        var bnPoints = ByX(e, a.Bn, a.X);
        var noPoints = ByX(e, a.NoBn, a.X);
        var (bnTop, bnBest) = Read(bnPoints);
        var (noTop, noBest) = Read(noPoints);
        if (bnBest.IsNone || noBest.IsNone) return StudyVerdict.NotYet($"needs complete runs of both {a.Bn} and {a.NoBn}");
        var (bx, bs) = bnBest.IfNone(() => throw new InvalidOperationException());
        var (nx, ns) = noBest.IfNone(() => throw new InvalidOperationException());
        string Top(Option<double> top, Seq<StudyRuns.AtX> points)
        {
            var firstDiverged = points.Filter(p => p.Diverged > 0).Map(p => p.X).HeadOrNone();
            return top.Map(t => $"trains up to lr {X(t)}").IfNone("trains at no rate with every seed")
                   + firstDiverged.Map(d => $" and diverges from lr {X(d)}").IfNone(" and never diverges");
        }
        var comparison = SeedStatistics.Compare(bnPoints.Find(p => p.X == bx).Map(p => p.Accuracies).IfNone(Seq<double>()),
            noPoints.Find(p => p.X == nx).Map(p => p.Accuracies).IfNone(Seq<double>()), a.NoBn);
        var diff = comparison.Map(c => $"; best against best {Points(c.Difference, 2)} points" + c.Test.Map(t => $" (Welch p = {VariantStatistics.FormatP(t.PValue)})").IfNone("")).IfNone("");
        var sentence = $"{a.Bn} {Top(bnTop, bnPoints)}, {a.NoBn} {Top(noTop, noPoints)}; {a.Bn}'s best test accuracy is {Acc(bs)} at lr {X(bx)}, "
                       + $"{a.NoBn}'s {Acc(ns)} at lr {X(nx)}{diff}.";
        var higher = bnTop.Exists(b => noTop.Match(n => b > n, () => true));
        return new StudyVerdict(higher && bs.Mean > ns.Mean ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
