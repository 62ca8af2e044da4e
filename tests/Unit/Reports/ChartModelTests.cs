using LanguageExt;
using NormLab.Core.Reports;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Reports;

public sealed class ChartModelTests
{
    [Fact]
    public void Nice_ticks_are_round_steps_covering_the_data()
    {
        Assert.Equal(new[] { 0.87, 0.875, 0.88, 0.885, 0.89, 0.895 }, NiceTicks.Linear(0.8733, 0.8921).ToArray());
        Assert.Equal(new[] { 0.0, 10000, 20000, 30000, 40000, 50000 }, NiceTicks.Linear(250, 50000).ToArray());
        Assert.Equal(new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 }, NiceTicks.Linear(0.0, 1.0).ToArray());
        Assert.Equal(new[] { -4.0, -3, -2, -1, 0, 1 }, NiceTicks.Linear(-3.3, 0.98).ToArray());
        Assert.Equal(new[] { 4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6 }, NiceTicks.Linear(5, 5).ToArray()); // degenerate range widened by 10 %
        Assert.Equal(new[] { 0.01, 0.1, 1.0, 10.0 }, NiceTicks.Decades(0.05, 2.3).ToArray());
    }

    [Fact]
    public void Estimate_uses_sample_std_and_only_with_two_values()
    {
        var two = Estimate.Of(Seq<double>(0.8, 0.9)).IfNone(() => throw new Xunit.Sdk.XunitException("no estimate"));
        Assert.Equal(0.85, two.Mean, 12);
        Assert.Equal(Math.Sqrt(0.005), two.Std.IfNone(double.NaN), 12);
        Assert.Equal("0.8500 ± 0.0707", two.Format());
        var one = Estimate.Of(Seq1(0.8921)).IfNone(() => throw new Xunit.Sdk.XunitException("no estimate"));
        Assert.True(one.Std.IsNone);
        Assert.Equal("0.8921", one.Format());
        Assert.True(Estimate.Of(Seq1(double.NaN)).IsNone);
    }

    [Fact]
    public void Seed_means_align_by_step_and_std_needs_two_seeds()
    {
        var seedA = Seq<(long, double, double)>((100L, 1.0, 0.5), (200L, 2.0, 0.7), (300L, 3.0, 0.8));
        var seedB = Seq<(long, double, double)>((100L, 1.0, 0.7), (200L, 2.0, 0.9)); // stopped before step 300

        var curve = SeedCurves.MeanByStep(new[] { seedA, seedB }.ToSeq());

        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, curve.Map(p => p.X).ToArray());
        Assert.Equal(0.6, curve[0].Mean, 12);
        Assert.Equal(0.8, curve[1].Mean, 12);
        Assert.Equal(0.8, curve[2].Mean, 12);
        Assert.Equal(new[] { 2, 2, 1 }, curve.Map(p => p.N).ToArray());
        Assert.Equal(Math.Sqrt(0.02), curve[0].Std.IfNone(double.NaN), 12);
        Assert.True(curve[2].Std.IsNone);

        var band = SeedCurves.ToBand("v", curve, 3).IfNone(() => throw new Xunit.Sdk.XunitException("no band"));
        Assert.Equal(2, band.Points.Count); // only where two seeds exist
        Assert.Equal(0.6 - Math.Sqrt(0.02), band.Points[0].Low, 12);
        Assert.Equal(0.8 + Math.Sqrt(0.02), band.Points[1].High, 12);
        Assert.True(SeedCurves.ToBand("v", SeedCurves.MeanByStep(new[] { seedA }.ToSeq()), 0).IsNone);
    }

    [Fact]
    public void Training_curves_give_one_series_per_variant_with_style_fixed_by_yaml_order()
    {
        // YAML order: "plain" first, then "bn"; runs are listed the other way round on purpose.
        var experiment = Build.Experiment(Seq("plain", "bn"),
            Build.Run("bn", 0, Seq(Build.Val(100, 1, 0.90, 0.30), Build.Val(200, 2, 0.94, 0.20))),
            Build.Run("bn", 1, Seq(Build.Val(100, 1, 0.92, 0.28), Build.Val(200, 2, 0.96, 0.18))),
            Build.Run("plain", 0, Seq(Build.Val(100, 1, 0.80, 0.50), Build.Val(200, 2, 0.85, 0.40))),
            Build.Run("plain", 1, Seq(Build.Val(100, 1, 0.82, 0.52), Build.Val(200, 2, 0.87, 0.42))));

        var accuracy = Assert.IsType<PanelFigure>(TrainingCurves.For(experiment).Find(f => f.Id == "accuracy").IfNone(() => throw new Xunit.Sdk.XunitException("no accuracy figure")));

        var val = Assert.Single(accuracy.Panels); // only the val split has data
        Assert.Equal("accuracy-val", val.Id);
        Assert.Equal(new[] { "plain", "bn" }, val.Series.Map(s => s.Name).ToArray());
        Assert.Equal(new[] { 0, 1 }, val.Series.Map(s => s.StyleIndex).ToArray());
        var bn = val.Series[1];
        Assert.Equal(new[] { 1.0, 2.0 }, bn.Points.Map(p => p.X).ToArray()); // epochs ≥ 1 → epoch axis
        Assert.Equal(0.91, bn.Points[0].Y, 12);
        Assert.Equal(0.95, bn.Points[1].Y, 12);
        var band = val.Bands.Find(b => b.Name == "bn").IfNone(() => throw new Xunit.Sdk.XunitException("no band"));
        Assert.Equal(0.91 - Math.Sqrt(0.0002), band.Points[0].Low, 12);
        Assert.Equal(AxisLabels.Epochs, val.X.Label);
        Assert.Equal(AxisLabels.Accuracy, val.Y.Label);
        // The lowest band edge is 0.81 − 0.0141 = 0.7959, so the axis starts one step lower, at 0.75.
        Assert.Equal(new[] { 0.75, 0.8, 0.85, 0.9, 0.95, 1.0 }, val.Y.Ticks.ToArray());
        Assert.Equal(0.75, val.Y.Min);
        Assert.Equal(1.0, val.Y.Max);
        Assert.Equal("mean over 2 seeds; shaded band: ±1 standard deviation", accuracy.Note.IfNone(""));
    }

    [Fact]
    public void Ioffe_percentile_panels_put_no_bn_first_and_share_one_y_axis()
    {
        Seq<ProbeRow> Probes(double shift) => Seq(
            new ProbeRow(100, "percentiles", "hidden1", "p50", 9.0), // an earlier layer, ignored
            new ProbeRow(100, "percentiles", "hidden3", "p15", -1 + shift), new ProbeRow(100, "percentiles", "hidden3", "p50", 0 + shift),
            new ProbeRow(100, "percentiles", "hidden3", "p85", 1 + shift), new ProbeRow(200, "percentiles", "hidden3", "p15", -2 + shift),
            new ProbeRow(200, "percentiles", "hidden3", "p50", -1 + shift), new ProbeRow(200, "percentiles", "hidden3", "p85", 0 + shift),
            new ProbeRow(200, "grad_norm", "dense1", "l2", 5));
        var experiment = Build.Experiment(Seq("sig_bn", "sig"),
            Build.Run("sig_bn", 0, Empty, Build.Summary(0.97, 1, "torch"), Probes(0.5)),
            Build.Run("sig", 0, Empty, Build.Summary(0.95, 1, "none"), Probes(0)),
            Build.Run("sig", 1, Empty, Build.Summary(0.95, 1, "none"), Probes(0.2)));

        var figure = Assert.IsType<PanelFigure>(IoffeFigures.SigmoidInputPercentiles(experiment).IfNone(() => throw new Xunit.Sdk.XunitException("no figure")));

        Assert.Equal(new[] { "without BN: sig", "with BN: sig_bn" }, figure.Panels.Map(p => p.Title).ToArray());
        Assert.Equal(figure.Panels[0].Y, figure.Panels[1].Y);
        var withoutBn = figure.Panels[0];
        Assert.Equal(new[] { "85th percentile", "50th percentile (median)", "15th percentile" }, withoutBn.Series.Map(s => s.Name).ToArray());
        Assert.Equal(new[] { 1, 1, 1 }, withoutBn.Series.Map(s => s.StyleIndex).ToArray()); // "sig" is second in YAML order
        var median = withoutBn.Series[1];
        Assert.Equal(LineWeight.Primary, median.Weight);
        Assert.Equal(new[] { (100.0, 0.1), (200.0, -0.9) }, median.Points.Map(p => (p.X, Math.Round(p.Y, 12))).ToArray());
        Assert.Equal(new[] { -2.0, -1, 0, 1, 2 }, withoutBn.Y.Ticks.ToArray()); // data span -1.9 .. 1.5 over both panels
        Assert.Contains("hidden3", figure.Title);
    }

    [Fact]
    public void Final_accuracy_has_error_bars_samples_and_the_reported_value()
    {
        var experiment = Build.Experiment(Seq("no_bn", "bn"),
            Build.Run("no_bn", 0, Empty, Build.Summary(0.8720, 8.2, "none")),
            Build.Run("no_bn", 1, Empty, Build.Summary(0.8740, 8.2, "none")),
            Build.Run("bn", 0, Empty, Build.Summary(0.8910, 8.27, "torch")),
            Build.Run("bn", 1, Empty, Build.Summary(0.8930, 8.27, "torch")),
            Build.Run("bn", 2, Empty, Build.Summary(0.1, 8.27, "torch", status: "diverged"))) with { };
        experiment = experiment with { Info = experiment.Info with { Reported = HashMap(("bn", new Reported(Some(0.8920), Some(82.7)))) } };

        var chart = Assert.IsType<CategoryChart>(FinalComparisons.FinalTestAccuracy(experiment).IfNone(() => throw new Xunit.Sdk.XunitException("no chart")));

        Assert.Equal(CategoryMark.Point, chart.Mark);
        Assert.Equal(new[] { "no_bn", "bn" }, chart.Bars.Map(b => b.Name).ToArray());
        var bn = chart.Bars[1];
        Assert.Equal(0.8920, bn.Value, 12); // the diverged seed is not averaged in
        Assert.Equal(0.002 / Math.Sqrt(2), bn.Error.IfNone(double.NaN), 12);
        Assert.Equal(new[] { 0.8910, 0.8930 }, bn.Samples.ToArray());
        Assert.Equal(Some(0.8920), bn.Reference);
        Assert.True(chart.Bars[0].Reference.IsNone);

        var time = Assert.IsType<CategoryChart>(FinalComparisons.TimePerEpoch(experiment).IfNone(() => throw new Xunit.Sdk.XunitException("no chart")));
        Assert.Equal(CategoryMark.Bar, time.Mark);
        Assert.Equal(0.0, time.Y.Min);
        Assert.Equal(8.27, time.Bars[1].Value, 12);
        Assert.Equal(8.27, time.Bars[1].Reference.IfNone(double.NaN), 12); // 82.7 s reported over 10 epochs
    }

    [Fact]
    public void Lazy_seq_concat_is_safe()
    {
        var joined = SeqOps.Concat(Seq(Some(1), Some(2)).Somes(), Seq(Some(3), Some(4)).Somes(), Seq(Some(5), Some(6)).Somes());
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, joined.ToArray());
    }
}
