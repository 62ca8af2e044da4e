using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using NormLab.Core.Studies;
using Xunit;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Studies.StudyKit;

namespace NormLab.Tests.Unit.Studies;

/// <summary>Every study's verdict, figure and table computed from in-memory runs whose numbers make the answer known.</summary>
public sealed class StudyVerdictTests
{
    static StudyReport Report(ExperimentData e) => StudyReports.For(e).IfNone(() => throw new Xunit.Sdk.XunitException("no study report"));

    static ExperimentData BatchStudy(double[] bnAt2, double[] bnAt32, double gnAt2, double gnAt32) =>
        Experiment(new StudyAnalysis.ErrorVsBatch(),
            Seeds("bn/batch=2/lr=0.003", bnAt2), Seeds("bn/batch=32/lr=0.05", bnAt32),
            Seeds("gn/batch=2/lr=0.003", gnAt2, gnAt2 + 0.002, gnAt2 - 0.002), Seeds("gn/batch=32/lr=0.05", gnAt32, gnAt32 + 0.002, gnAt32 - 0.002));

    [Fact]
    public void Error_vs_batch_agrees_when_bn_rises_at_small_batches_and_gn_stays()
    {
        var report = Report(BatchStudy([0.80, 0.81, 0.79], [0.90, 0.905, 0.895], 0.890, 0.892));

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        // error 10.00% at 32, 20.00% at 2: +10.0 points; GN 11.0% vs 10.8%: 0.20 points.
        Assert.Contains("bn's test error rises by +10.0 points from batch 32 to batch 2 (10.00% → 20.00%", report.Verdict.Text);
        Assert.Contains("gn's mean error stays within 0.20 points", report.Verdict.Text);
        var chart = Assert.IsType<Chart>(report.Figures.Head);
        Assert.True(chart.X.Log);
        Assert.Equal(new[] { 2.0, 32.0 }, chart.X.Ticks.ToArray());
        Assert.Equal(new[] { "bn", "gn" }, chart.Series.Map(s => s.Name).ToArray());
        Assert.Equal(20.0, chart.Series.Head.Points.Head.Y, 9);
        Assert.Equal(2, chart.Bands.Count);
        Assert.Equal(new[] { "2", "32" }, report.Tables.Head.Rows.Map(r => r.Head).ToArray());
    }

    [Fact]
    public void Error_vs_batch_disagrees_when_bn_does_not_suffer_and_waits_without_runs()
    {
        Assert.Equal(Agreement.Disagrees, Report(BatchStudy([0.90, 0.905, 0.895], [0.90, 0.904, 0.896], 0.89, 0.89)).Verdict.Agreement);
        var empty = Experiment(new StudyAnalysis.ErrorVsBatch(), Seeds("gn/batch=2/lr=0.003", 0.9, 0.9, 0.9));
        Assert.Equal(Agreement.Inconclusive, Report(empty).Verdict.Agreement);
    }

    [Fact]
    public void Learning_rate_study_reads_divergence_and_the_best_rates()
    {
        var e = Experiment(new StudyAnalysis.AccuracyVsLearningRate(),
            Seeds("bn/lr=0.01", 0.85, 0.86, 0.84), Seeds("bn/lr=0.1", 0.88, 0.885, 0.875), Seeds("bn/lr=1", 0.87, 0.87, 0.87),
            Seeds("no-bn/lr=0.01", 0.84, 0.845, 0.835), Seeds("no-bn/lr=0.1", 0.86, 0.865, 0.855),
            Seq(Run("no-bn/lr=1", 1, 0.1, "diverged"), Run("no-bn/lr=1", 2, 0.1, "diverged"), Run("no-bn/lr=1", 3, 0.1, "diverged")));

        var report = Report(e);

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        Assert.Contains("bn trains up to lr 1 and never diverges, no-bn trains up to lr 0.1 and diverges from lr 1", report.Verdict.Text);
        Assert.Contains("bn's best test accuracy is 0.8800", report.Verdict.Text);
        Assert.Contains("at lr 0.1", report.Verdict.Text);
        var chart = Assert.IsType<Chart>(report.Figures.Head);
        var diverged = chart.Series.Filter(s => s.Weight == LineWeight.MarksOnly).ToArray();
        Assert.Equal("no-bn: diverged", Assert.Single(diverged).Name);
        Assert.Equal(1.0, diverged[0].Points.Head.X);
        Assert.Contains("(3 of 3 diverged)", report.Tables.Head.Rows.Last.Last);
    }

    [Fact]
    public void Steps_to_baseline_are_read_from_each_seeds_test_curve()
    {
        Seq<MetricRow> Curve(params (long Step, double Acc)[] points) => points.Select(p => Test(p.Step, p.Acc)).ToSeq().Strict();
        var e = Experiment(new StudyAnalysis.StepsToBaseline("baseline"),
            Seq(Run("baseline", 1, 0.95, metrics: Curve((500, 0.90), (1000, 0.95)), steps: 1000),
                Run("baseline", 2, 0.95, metrics: Curve((500, 0.91), (1000, 0.95)), steps: 1000)),
            Seq(Run("bn-x5", 1, 0.97, metrics: Curve((250, 0.94), (500, 0.96), (1000, 0.97))),
                Run("bn-x5", 2, 0.97, metrics: Curve((250, 0.95), (500, 0.96), (1000, 0.97)))));

        var report = Report(e);

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        // seed 1 reaches 0.95 at step 500, seed 2 at 250: 375 on average, 1000 / 375 = 2.7× fewer.
        Assert.Contains("bn-x5 reaches it after 375 steps (2.7× fewer)", report.Verdict.Text);
        Assert.Equal(2, report.Figures.Count);
    }

    [Fact]
    public void Setting_study_compares_every_method_with_bn_in_its_setting()
    {
        var analysis = new StudyAnalysis.AccuracyBySetting(Seq(
            new StudySetting("iid 32", Seq1(("BN", "iid-bn"))),
            new StudySetting("micro 4", Seq(("BN", "micro-bn"), ("Renorm", "micro-renorm")))), "BN");
        var e = Experiment(analysis, Seeds("iid-bn", 0.90, 0.905, 0.895), Seeds("micro-bn", 0.85, 0.852, 0.848), Seeds("micro-renorm", 0.88, 0.882, 0.878));

        var report = Report(e);

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        Assert.Contains("micro 4: BN 0.8500, -5.0 points against iid 32; against BN there Renorm +3.0", report.Verdict.Text);
        var chart = Assert.IsType<CategoryChart>(report.Figures.Head);
        Assert.Equal(new[] { "iid 32: BN", "micro 4: BN", "micro 4: Renorm" }, chart.Bars.Map(b => b.Name).ToArray());
        Assert.Equal(chart.Bars[0].StyleIndex, chart.Bars[1].StyleIndex);
    }

    [Fact]
    public void Width_study_judges_bn_only_at_the_widest_network_against_chance()
    {
        Seq<RunData> At(string v, int w, double acc, long trainable) =>
            Range(1, 3).Map(s => Run($"{v}/units={w}", s, acc + (s - 2) * 0.002, trainable: trainable)).ToSeq().Strict();
        var e = Experiment(new StudyAnalysis.AccuracyVsWidth(),
            At("all", 32, 0.86, 30000), At("all", 256, 0.89, 300000),
            At("bn-only", 32, 0.55, 256), At("bn-only", 256, 0.78, 2048),
            At("output-only", 32, 0.60, 330), At("output-only", 256, 0.80, 2570));

        var report = Report(e);

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        Assert.Contains("at units 256, training only BN's γ and β reaches test accuracy 0.7800", report.Verdict.Text);
        Assert.Contains("2,048 trainable parameters", report.Verdict.Text);
        Assert.Contains("+68.0 points above chance", report.Verdict.Text);
        var chart = Assert.IsType<Chart>(report.Figures.Head);
        Assert.Contains(chart.Series, s => s.Name.StartsWith("chance", StringComparison.Ordinal));
        Assert.Contains("2,048 trainable", report.Tables.Head.Rows.Last[2]);
    }

    [Fact]
    public void Landscape_study_needs_noisy_bn_above_no_bn_and_a_smoother_landscape_with_bn()
    {
        Seq<ProbeRow> Probes(double scale) => Range(1, 3).Bind(k => Seq(
            new ProbeRow(k * 100, "landscape", "all", "loss", 1.0),
            new ProbeRow(k * 100, "landscape", "all", "loss@0.1", 1.0 - 0.1 * scale),
            new ProbeRow(k * 100, "landscape", "all", "loss@0.4", 1.0 + 0.2 * scale),
            new ProbeRow(k * 100, "landscape", "all", "loss_range", 0.3 * scale),
            new ProbeRow(k * 100, "landscape", "all", "grad_diff@0.1", 0.5 * scale),
            new ProbeRow(k * 100, "landscape", "all", "grad_diff@0.4", 1.0 * scale),
            new ProbeRow(k * 100, "landscape", "all", "grad_predictiveness", 1.0 * scale),
            new ProbeRow(k * 100, "landscape", "all", "beta_smoothness", 2.0 * scale))).ToSeq().Strict();
        Seq<RunData> Variant(string v, double acc, double scale) =>
            Range(1, 3).Map(s => Run(v, s, acc + (s - 2) * 0.002, metrics: Seq(Train(100, acc - 0.1), Train(300, acc), Test(300, acc)), probes: Probes(scale))).ToSeq().Strict();
        var e = Experiment(new StudyAnalysis.Landscape(), Variant("bn", 0.88, 1), Variant("bn-noise", 0.87, 1.5), Variant("no-bn", 0.84, 3));

        var report = Report(e);

        Assert.Equal(Agreement.Agrees, report.Verdict.Agreement);
        Assert.Contains("loss range 0.300 with BN vs 0.900 without (3.0×)", report.Verdict.Text);
        Assert.Equal(new[] { "study-santurkar-accuracy", "study-santurkar-loss", "study-santurkar-grad", "study-santurkar-beta" }, report.Figures.Map(f => f.Id).ToArray());
        var loss = Assert.IsType<Chart>(report.Figures[1]);
        // The band is the min–max of loss@η per step: 0.9–1.2 with BN.
        var bnBand = loss.Bands.Find(b => b.Name == "bn").IfNone(() => throw new Xunit.Sdk.XunitException("no bn band"));
        Assert.Equal((0.9, 1.2), (bnBand.Points.Head.Low, bnBand.Points.Head.High));
    }

    [Fact]
    public void A_study_replaces_the_bn_effect_sentence_and_lands_in_the_index()
    {
        var e = BatchStudy([0.80, 0.81, 0.79], [0.90, 0.905, 0.895], 0.890, 0.892);
        var model = ReportModel.From(Seq1(e));
        Assert.StartsWith("Agrees with the paper: ", model.Experiments.Head.BnEffect);
        var (name, study) = Assert.Single(model.Studies);
        Assert.Equal("study", name);
        Assert.Equal("the paper's claim", study.Spec.Claim);
    }
}
