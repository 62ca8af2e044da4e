using NormLab.Core.Reports;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Reports;

public sealed class ReportModelTests
{
    private static ExperimentData WithAndWithout() =>
        Build.Experiment(Seq("no_bn", "bn"),
            Build.Run("no_bn", 0, Empty, Build.Summary(0.8720, 8.2, "none")),
            Build.Run("no_bn", 1, Empty, Build.Summary(0.8740, 8.2, "none")),
            Build.Run("bn", 0, Empty, Build.Summary(0.8910, 8.27, "torch")),
            Build.Run("bn", 1, Empty, Build.Summary(0.8930, 8.27, "torch")));

    [Fact]
    public void Bn_effect_sentence_is_computed_from_the_numbers()
    {
        var report = ExperimentReports.Build(WithAndWithout());

        // 0.002/√2 = 0.0014; (0.8920 − 0.8730)·100 = +1.90 points; 8.27/8.2 − 1 = +0.85 %.
        Assert.Equal("With BN, test accuracy is 0.8920 ± 0.0014 vs 0.8730 ± 0.0014 without (+1.90 points); time per epoch +0.9%.", report.BnEffect);
    }

    [Fact]
    public void When_every_variant_uses_bn_each_is_compared_with_the_first()
    {
        var experiment = Build.Experiment(Seq("bn_after", "bn_before"),
            Build.Run("bn_after", 0, Empty, Build.Summary(0.8800, 4.0, "torch")),
            Build.Run("bn_before", 0, Empty, Build.Summary(0.8750, 5.0, "torch")));

        Assert.Equal("All variants use BN; against bn_after (0.8800), test accuracy is 0.8750 for bn_before (-0.50 points, time per epoch +25.0%).",
            ExperimentReports.Build(experiment).BnEffect);
    }

    [Fact]
    public void Several_bn_variants_are_each_compared_with_the_no_bn_baseline()
    {
        var experiment = Build.Experiment(Seq("lenet", "lenet_bn1", "lenet_bn2"),
            Build.Run("lenet", 0, Empty, Build.Summary(0.9880, 2.0, "none")),
            Build.Run("lenet_bn1", 0, Empty, Build.Summary(0.9912, 2.2, "window")),
            Build.Run("lenet_bn2", 0, Empty, Build.Summary(0.9900, 2.1, "window")));

        Assert.Equal("Against lenet without BN (0.9880), test accuracy with BN is 0.9912 for lenet_bn1 (+0.32 points, time per epoch +10.0%); "
                     + "0.9900 for lenet_bn2 (+0.20 points, time per epoch +5.0%).", ExperimentReports.Build(experiment).BnEffect);
    }

    [Fact]
    public void Table_rows_carry_reported_value_delta_and_problems()
    {
        var data = WithAndWithout();
        data = data with
        {
            Info = data.Info with { Reported = HashMap(("bn", new Reported(Some(0.8920), Some(82.7))), ("no_bn", new Reported(Some(0.8732), Some(82.0)))) },
            Runs = data.Runs.Add(Build.Run("bn", 2, Empty, Some(Build.Summary(0.1, 8.0, "torch", "diverged") with { DivergedAtStep = Some(1234L), Message = Some("loss is NaN") }))),
        };

        var rows = ExperimentReports.Rows(data);

        Assert.Equal(new[] { "no_bn", "bn" }, rows.Map(r => r.Variant).ToArray());
        var bn = rows[1];
        Assert.True(bn.UsesBn);
        Assert.Equal("torch", bn.BnConvention);
        Assert.Equal((3, 2), (bn.Runs, bn.Complete));
        Assert.Equal(0.8920, bn.TestAccuracy.Map(e => e.Mean).IfNone(double.NaN), 12);
        Assert.Equal(0.0, bn.DeltaPoints.IfNone(double.NaN), 9);
        Assert.Equal(82.7, bn.ReportedWallSeconds.IfNone(double.NaN));
        Assert.Equal(new[] { "seed 2: diverged at step 1234 (loss is NaN)" }, bn.Problems.ToArray());
        var noBn = rows[0];
        Assert.False(noBn.UsesBn);
        Assert.Equal(-0.02, noBn.DeltaPoints.IfNone(double.NaN), 9);
    }

    [Fact]
    public void Bn_is_read_from_the_summary_and_guessed_from_the_name_only_without_one()
    {
        Assert.False(BnClassification.UsesBn("bn_looking_name", new[] { Build.Run("x", 0, Empty, Build.Summary(0.9, 1, "none")) }.ToSeq()));
        Assert.True(BnClassification.UsesBn("plain_name", new[] { Build.Run("x", 0, Empty, Build.Summary(0.9, 1, "keras")) }.ToSeq()));
        Assert.True(BnClassification.UsesBn("lenet_fc_bn2", Empty));
        Assert.False(BnClassification.UsesBn("no_bn", Empty));
        Assert.False(BnClassification.UsesBn("without-bn", Empty));
        Assert.False(BnClassification.UsesBn("lenet", Empty));
    }
}
