using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Inverted dropout: identity in eval; in training zeros with probability p and scales survivors by 1/(1−p).</summary>
[Collection(TorchCollection.Name)]
public sealed class DropoutTests
{
    [Fact]
    public void Eval_mode_is_the_identity()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([1, -2, 3, 4], 4);
        Values([1, -2, 3, 4], F.dropout(x, 0.5, training: false), 0, 0);
        var layer = new Dropout(0.9);
        layer.eval();
        Values([1, -2, 3, 4], layer.forward(x), 0, 0);
    }

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(0.2, 1.25)]
    public void Training_zeroes_about_p_and_scales_the_rest(double p, double scale)
    {
        using var scope = torch.NewDisposeScope();
        const int n = 10_000;
        var x = torch.ones([n], ScalarType.Float64);
        torch.manual_seed(1234);
        var y = F.dropout(x, p).data<double>();
        Assert.All(y, v => Assert.True(v == 0 || v == scale, $"dropout produced {v}, expected 0 or {scale}"));
        var zeros = y.Count(v => v == 0);
        // Binomial(n, p): 5 standard deviations is at most 250 for n = 10,000.
        Assert.InRange(zeros, n * p - 250, n * p + 250);
        // The same seed gives the same mask.
        torch.manual_seed(1234);
        Assert.Equal(y, F.dropout(x, p).data<double>());
        // Training-mode module does the same.
        torch.manual_seed(1234);
        Assert.Equal(y, new Dropout(p).forward(x).data<double>());
    }

    [Fact]
    public void Extreme_probabilities()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([1, -2, 3, 4], 4);
        Values([1, -2, 3, 4], F.dropout(x, 0), 0, 0);
        Values([0, 0, 0, 0], F.dropout(x, 1), 0, 0);
    }
}
