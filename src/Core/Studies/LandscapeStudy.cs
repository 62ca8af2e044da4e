using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static NormLab.Core.Studies.StudyRuns;

namespace NormLab.Core.Studies;

/// <summary>
/// Santurkar, Tsipras, Ilyas &amp; Mądry 2018. Fig. 2: training and test accuracy over steps of BN, BN followed by
/// time-varying noise ("noisy BN") and no BN. Fig. 4: from the <c>landscape</c> probe, along training, (a) the range of the
/// loss over the step sizes along the gradient, (b) the range of the gradient change ‖∇L(θ − η·g) − g‖ over the step
/// sizes (gradient predictiveness), (c) the effective β-smoothness — bands over step sizes, mean over seeds, BN vs no BN.
/// Verdict rule: the claim holds when noisy BN's final test accuracy is above no BN's (95% CI of the difference excludes
/// 0) and BN's mean loss range, gradient change and β-smoothness over the probe steps are each below no BN's.
/// </summary>
public static class LandscapeStudy
{
    public const string Probe = "landscape";

    public static StudyReport Build(ExperimentData e, StudySpec spec, StudyAnalysis.Landscape a)
    {
        var figures = Accuracy(e, a).ToSeq() + Landscape(e, a);
        var table = new StudyTable("Landscape along training: mean over probe steps and seeds",
            Seq("variant", "final test accuracy", "loss range", "gradient change (max over η)", "β-smoothness"),
            Seq(a.Bn, a.Noisy, a.NoBn).Filter(v => !RunsOf(e, v).IsEmpty).Map(v => Seq(v,
                SeedStatistics.Summarize(Accuracies(e, v)).Map(Acc).IfNone("–"),
                MeanStat(e, v, "loss_range").Map(x => F(x, 4)).IfNone("–"),
                MeanStat(e, v, "grad_predictiveness").Map(x => F(x, 4)).IfNone("–"),
                MeanStat(e, v, "beta_smoothness").Map(x => F(x, 3)).IfNone("–"))));
        return new StudyReport(spec, Verdict(e, a), figures, Seq1(table));
    }

    static Seq<ProbeRow> Rows(ExperimentData e, string variant) =>
        RunsOf(e, variant).Bind(r => r.Probes).Filter(p => p.Probe == Probe).Strict();

    /// <summary>The mean of one landscape statistic over every probe step of every seed of a variant.</summary>
    public static Option<double> MeanStat(ExperimentData e, string variant, string stat)
    {
        var xs = Rows(e, variant).Filter(p => p.Stat == stat && double.IsFinite(p.Value)).Map(p => p.Value);
        return xs.IsEmpty ? None : Some(xs.Average());
    }

    static Option<Figure> Accuracy(ExperimentData e, StudyAnalysis.Landscape a)
    {
        var variants = Seq(a.NoBn, a.Bn, a.Noisy).Filter(v => !RunsOf(e, v).IsEmpty);
        Option<Chart> Panel(Split split, string title)
        {
            var curves = variants.Map(v => (v, curve: SeedCurves.Metric(RunsOf(e, v), split, m => m.Accuracy, XScale.Steps))).Filter(c => c.curve.Count >= 2).Strict();
            if (curves.IsEmpty) return None;
            var all = curves.Bind(c => c.curve);
            return new Chart($"study-santurkar-{split.ToString().ToLowerInvariant()}", title,
                Axis.Nice(AxisLabels.Steps, all.Map(p => p.X).Min(), all.Map(p => p.X).Max()),
                Axis.Nice(split == Split.Train ? "training accuracy (fraction correct)" : AxisLabels.TestAccuracy, all.Map(p => p.Mean).Min(), all.Map(p => p.Mean).Max()),
                curves.Map(c => SeedCurves.ToSeries(c.v, c.curve, Style(e, c.v))), Seq<Band>(), None);
        }
        var panels = Seq(Panel(Split.Train, "training accuracy"), Panel(Split.Test, "test accuracy")).Somes();
        if (panels.IsEmpty) return None;
        // Panels of one figure share the y axis: the wider of the two.
        var y = Axis.Nice(AxisLabels.Accuracy, panels.Map(p => p.Y.Min).Min(), panels.Map(p => p.Y.Max).Max());
        return new PanelFigure("study-santurkar-accuracy",
            "BN, BN with time-varying noise after every BN, and no BN: accuracy over training (after Santurkar et al. 2018, Fig. 2)",
            panels.Map(p => p with { Y = y }), Some(MeanNote(e)));
    }

    static Seq<(double X, double Y)> MeanOverSeeds(ExperimentData e, string variant, string stat) =>
        SeedCurves.MeanByStep(RunsOf(e, variant).Map(r => r.Probes.Filter(p => p.Probe == Probe && p.Stat == stat).Map(p => (p.Step, (double)p.Step, p.Value))))
            .Map(c => (c.X, c.Mean));

    /// <summary>Fig. 4's three panels as three charts (their y axes measure different things), BN vs no BN in each.</summary>
    static Seq<Figure> Landscape(ExperimentData e, StudyAnalysis.Landscape a)
    {
        var variants = Seq(a.NoBn, a.Bn).Filter(v => !Rows(e, v).IsEmpty).Strict();
        if (variants.IsEmpty) return Seq<Figure>();
        var seeds = MeanNote(e);
        Figure Panel(string id, string title, string yLabel, string note, Func<string, Seq<(double X, double Low, double High)>> band, Func<string, Seq<(double X, double Y)>> line)
        {
            var bands = variants.Map(v => new Band(v, band(v), Style(e, v))).Strict();
            var series = variants.Map(v => new Series(v, line(v), Style(e, v))).Strict();
            var ys = bands.Bind(b => b.Points.Bind(p => Seq(p.Low, p.High))) + series.Bind(s => s.Points.Map(p => p.Y));
            var xs = series.Bind(s => s.Points.Map(p => p.X)) + bands.Bind(b => b.Points.Map(p => p.X));
            return new Chart(id, title, Axis.Nice(AxisLabels.Steps, xs.Min(), xs.Max()), Axis.Nice(yLabel, Math.Min(0, ys.Min()), ys.Max()), series, bands,
                Some($"{note}; {seeds}"));
        }
        return Seq(
            Panel("study-santurkar-loss", "Loss along the gradient, with vs without BN (after Santurkar et al. 2018, Fig. 4a)",
                "loss (mean per example)", "band: min–max of L(θ − η·g) over the step sizes η at each probe step; line: L(θ)",
                v => MinMaxOverSteps(e, v, "loss@"), v => MeanOverSeeds(e, v, "loss")),
            Panel("study-santurkar-grad", "Gradient predictiveness, with vs without BN (after Santurkar et al. 2018, Fig. 4b)",
                "‖∇L(θ − η·g) − ∇L(θ)‖₂", "band: min–max over the step sizes η; line: the largest change",
                v => MinMaxOverSteps(e, v, "grad_diff@"), v => MeanOverSeeds(e, v, "grad_predictiveness")),
            Panel("study-santurkar-beta", "Effective β-smoothness, with vs without BN (after Santurkar et al. 2018, Fig. 4c)",
                "max over η of ‖Δ∇L‖₂ / ‖η·g‖₂", "the largest gradient change per unit of step along the gradient",
                _ => Seq<(double, double, double)>(), v => MeanOverSeeds(e, v, "beta_smoothness")));
    }

    /// <summary>At each probe step, for each seed the min and max over the step sizes, then the mean over seeds of each.</summary>
    static Seq<(double X, double Low, double High)> MinMaxOverSteps(ExperimentData e, string variant, string prefix)
    {
        var perSeed = RunsOf(e, variant).Map(r => r.Probes
            .Filter(p => p.Probe == Probe && p.Stat.StartsWith(prefix, StringComparison.Ordinal) && double.IsFinite(p.Value))
            .GroupBy(p => p.Step).Select(g => (Step: g.Key, Low: g.Min(p => p.Value), High: g.Max(p => p.Value))).ToSeq().Strict()).Strict();
        return perSeed.Bind(s => s).GroupBy(p => p.Step).OrderBy(g => g.Key)
            .Select(g => ((double)g.Key, g.Average(p => p.Low), g.Average(p => p.High))).ToSeq().Strict();
    }

    public static StudyVerdict Verdict(ExperimentData e, StudyAnalysis.Landscape a)
    {
        var noisy = Accuracies(e, a.Noisy);
        var bn = Accuracies(e, a.Bn);
        var none = Accuracies(e, a.NoBn);
        if (noisy.IsEmpty || bn.IsEmpty || none.IsEmpty) return StudyVerdict.NotYet($"needs complete runs of {a.Bn}, {a.Noisy} and {a.NoBn}");
        var vsNone = SeedStatistics.Compare(noisy, none, a.NoBn);
        var stats = Seq(("loss range", "loss_range"), ("gradient change", "grad_predictiveness"), ("β-smoothness", "beta_smoothness"))
            .Map(s => (s.Item1, bn: MeanStat(e, a.Bn, s.Item2), none: MeanStat(e, a.NoBn, s.Item2))).Strict();
        var ratios = stats.Choose(s => from b in s.bn from n in s.none select (s.Item1, b, n)).Strict();
        var sentence = $"final test accuracy {a.Noisy} {F(noisy.Average(), 4)}, {a.Bn} {F(bn.Average(), 4)}, {a.NoBn} {F(none.Average(), 4)}"
                       + vsNone.Bind(c => c.Test).Map(t => $" ({a.Noisy} − {a.NoBn} {Points(t.Ci95.Low)} to {Points(t.Ci95.High)} points, 95% CI)").IfNone("")
                       + (ratios.IsEmpty ? "; no landscape probe rows"
                           : "; along training, " + string.Join(", ", ratios.Map(r => $"{r.Item1} {F(r.b, 3)} with BN vs {F(r.n, 3)} without ({(r.b > 0 ? F(r.n / r.b, 1) + "×" : "∞")})")))
                       + ".";
        var test = vsNone.Bind(c => c.Test);
        if (test.IsNone || ratios.Count < stats.Count) return new StudyVerdict(Agreement.Inconclusive, sentence);
        var agrees = test.Exists(t => t.Ci95.Low > 0) && ratios.ForAll(r => r.b < r.n);
        return new StudyVerdict(agrees ? Agreement.Agrees : Agreement.Disagrees, sentence);
    }
}
