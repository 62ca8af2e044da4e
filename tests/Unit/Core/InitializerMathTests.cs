using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class InitializerMathTests
{
    [Fact]
    public void Fans_follow_torch_layout()
    {
        Assert.Equal((784L, 300L), InitializerMath.Fans(Shape(300, 784)));          // Dense [out, in]
        Assert.Equal((6L * 25, 16L * 25), InitializerMath.Fans(Shape(16, 6, 5, 5))); // Conv [out, in, kh, kw]
        Assert.Equal((10L, 10L), InitializerMath.Fans(Shape(10)));
    }

    [Fact]
    public void Glorot_uniform_bound_is_sqrt_6_over_fan_sum()
    {
        var d = Assert.IsType<Distribution.Uniform>(InitializerMath.Weight(new GlorotUniform(), Shape(300, 784)));
        Assert.Equal(Math.Sqrt(6.0 / 1084), d.High, 15);
        Assert.Equal(-d.High, d.Low);
        Assert.Equal(0.07440, d.High, 5);
        Assert.Equal(new Distribution.Constant(0), InitializerMath.Bias(new GlorotUniform(), Shape(300, 784)));
        Assert.Equal(new GlorotUniform(), new Dense(10).ResolvedInit);
        Assert.Equal(new GlorotUniform(), new Conv2D(6, 5).ResolvedInit);
    }

    // Keras VarianceScaling(2, fan_in, truncated_normal): stddev = sqrt(2/784)/0.87962566103423978 = 0.05741946…,
    // truncated at ±2 stddev.
    [Fact]
    public void He_normal_is_keras_truncated_normal()
    {
        var d = Assert.IsType<Distribution.TruncatedNormal>(InitializerMath.Weight(new HeNormal(), Shape(300, 784)));
        Assert.Equal(0, d.Mean);
        Assert.Equal(Math.Sqrt(2.0 / 784) / 0.87962566103423978, d.Std, 15);
        Assert.Equal(0.05741946, d.Std, 8);
        Assert.Equal(-2 * d.Std, d.Low);
        Assert.Equal(2 * d.Std, d.High);
        Assert.Equal(Math.Sqrt(2.0 / 784), InitializerMath.HeStd(784), 15);
    }

    [Fact]
    public void He_uniform_normal_uniform_and_constants()
    {
        Assert.Equal(new Distribution.Uniform(-Math.Sqrt(6.0 / 150), Math.Sqrt(6.0 / 150)),
            InitializerMath.Weight(new HeUniform(), Shape(16, 6, 5, 5)));
        Assert.Equal(new Distribution.Normal(0, 0.05), InitializerMath.Weight(new Normal(), Shape(100, 100)));
        Assert.Equal(new Distribution.Uniform(-0.05, 0.05), InitializerMath.Weight(new Uniform(), Shape(100, 100)));
        Assert.Equal(new Distribution.Constant(0), InitializerMath.Weight(new Zeros(), Shape(3, 3)));
        Assert.Equal(new Distribution.Constant(1), InitializerMath.Weight(new Ones(), Shape(3, 3)));
    }

    // nn.Linear(784, 300).reset_parameters: kaiming_uniform_(a=√5) → bound gain·sqrt(3/fan_in), gain = sqrt(2/(1+5)),
    // i.e. 1/sqrt(784) = 1/28; bias U(±1/sqrt(fan_in)) too.
    [Fact]
    public void Torch_default_is_uniform_one_over_sqrt_fan_in_for_weight_and_bias()
    {
        var expected = new Distribution.Uniform(-1.0 / 28, 1.0 / 28);
        Assert.Equal(expected, InitializerMath.Weight(new TorchDefault(), Shape(300, 784)));
        Assert.Equal(expected, InitializerMath.Bias(new TorchDefault(), Shape(300, 784)));
        var gain = Math.Sqrt(2.0 / (1 + 5));
        Assert.Equal(gain * Math.Sqrt(3.0 / 784), InitializerMath.TorchDefaultBound(784), 15);
    }
}
