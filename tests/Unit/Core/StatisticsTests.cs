using NormLab.Core.Networks;
namespace NormLab.Tests.Unit.Core;

public class StatisticsTests
{
    static readonly double[] Values = { 3.0, -1.5, 2.25, 10.0, 0.5, 7.75, -4.0 };

    // Reference values from numpy (default method "linear"):
    // /usr/bin/python3 -c "import numpy as np; x=[3.0,-1.5,2.25,10.0,0.5,7.75,-4.0];
    //   print([repr(float(np.percentile(x,q))) for q in [0,15,50,85,100,33.3]])"
    // → ['-4.0', '-1.7500000000000002', '2.25', '7.975', '10.0', '0.49599999999999955']
    // and np.percentile([1.0, 2.0], [15, 50, 85]) → 1.15, 1.5, 1.85.
    [Fact]
    public void Percentiles_match_numpy_linear_interpolation()
    {
        Assert.Equal(new[] { -4.0, -1.7500000000000002, 2.25, 7.975, 10.0, 0.49599999999999955 },
            Statistics.Percentiles(Values, LanguageExt.Prelude.Seq(0, 15, 50, 85, 100, 33.3)).ToArray());
        Assert.Equal(new[] { 1.15, 1.5, 1.85 },
            Statistics.Percentiles(new[] { 2.0, 1.0 }, LanguageExt.Prelude.Seq(15.0, 50, 85)).ToArray());
        Assert.Equal(5.0, Statistics.Percentile(new[] { 5.0 }, 85));
    }

    [Fact]
    public void Percentiles_of_nothing_or_of_nan_or_out_of_range_are_nan()
    {
        Assert.True(double.IsNaN(Statistics.Percentile(Array.Empty<double>(), 50)));
        Assert.True(double.IsNaN(Statistics.Percentile(new[] { 1.0, double.NaN }, 50)));
        Assert.True(double.IsNaN(Statistics.Percentile(Values, 100.5)));
        Assert.True(double.IsNaN(Statistics.Percentile(Values, -1)));
    }

    // np.mean([0.8732, 0.8920, 0.8811]) = 0.8821; np.std(…, ddof=1) = 0.009439809320108133
    [Fact]
    public void Mean_and_sample_std_match_numpy()
    {
        var accuracies = new[] { 0.8732, 0.8920, 0.8811 };
        Assert.Equal(0.8821, Statistics.Mean(accuracies), 15);
        Assert.Equal(0.009439809320108133, Statistics.SampleStd(accuracies), 15);
        Assert.Equal("0.8821 ± 0.0094", MeanStd.Of(accuracies).ToString());
        Assert.Equal("88.21 ± 0.94", new MeanStd(88.21, 0.944, 3).ToString("0.00"));
        Assert.Equal(3, MeanStd.Of(accuracies).Count);
    }

    [Fact]
    public void One_value_has_zero_spread_and_none_has_no_statistics()
    {
        Assert.Equal(0, Statistics.SampleStd(new[] { 0.97 }));
        Assert.Equal("0.9700 ± 0.0000", MeanStd.Of(new[] { 0.97 }).ToString());
        Assert.True(double.IsNaN(Statistics.Mean(Array.Empty<double>())));
        Assert.True(double.IsNaN(Statistics.SampleStd(Array.Empty<double>())));
        Assert.True(double.IsNaN(Statistics.SampleStd(new[] { 1.0, double.NaN })));
    }
}
