using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Elementwise arithmetic with broadcasting, unary functions, activations, comparisons and clamp, against
/// values worked out by hand (or from the defining formula evaluated in double).</summary>
[Collection(TorchCollection.Name)]
public sealed class ElementwiseTests
{
    private static Tensor A() => F32Tensor([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void Binary_ops_broadcast_a_row_vector_over_rows()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        var row = F32Tensor([10, 20, 30], 3);
        Values([11, 22, 33, 14, 25, 36], [2, 3], a.add(row));
        Values([-9, -18, -27, -6, -15, -24], [2, 3], a.sub(row));
        Values([10, 40, 90, 40, 100, 180], [2, 3], a.mul(row));
        Values([0.1, 0.1, 0.1, 0.4, 0.25, 0.2], [2, 3], a.div(row));
        Values([-19, -38, -57, -16, -35, -54], [2, 3], a.add(row, alpha: -2));
    }

    [Fact]
    public void Binary_ops_broadcast_a_column_and_both_ways()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        var col = F32Tensor([2, 0.5], 2, 1);
        Values([2, 4, 6, 2, 2.5, 3], [2, 3], a * col);
        // [2,1] with [3] broadcasts to [2,3]: an outer sum.
        var outer = col + F32Tensor([1, 2, 3], 3);
        Values([3, 4, 5, 1.5, 2.5, 3.5], [2, 3], outer);
        Values([1, 2, 3, 2, Math.Sqrt(5), Math.Sqrt(6)], [2, 3], a.pow(F32Tensor([1, 0.5], 2, 1)));
    }

    [Fact]
    public void Scalar_operands_and_operators()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Values([2, 3, 4, 5, 6, 7], a + 1);
        Values([2, 3, 4, 5, 6, 7], 1 + a);
        Values([0, 1, 2, 3, 4, 5], a - 1);
        Values([0, -1, -2, -3, -4, -5], 1 - a);
        Values([2, 4, 6, 8, 10, 12], a * 2);
        Values([2, 4, 6, 8, 10, 12], 2 * a);
        Values([0.5, 1, 1.5, 2, 2.5, 3], a / 2);
        Values([-1, -2, -3, -4, -5, -6], -a);
        Values([1, 4, 9, 16, 25, 36], a.pow(2));
        Values([1, 1, 1, 1, 1, 1], a / a);
        Values([0, 0, 0, 0, 0, 0], a - a);
    }

    [Fact]
    public void Maximum_and_minimum_broadcast()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        var t = F32Tensor([2, 5, 4], 3);
        Values([2, 5, 4, 4, 5, 6], a.maximum(t));
        Values([1, 2, 3, 2, 5, 4], a.minimum(t));
    }

    private static readonly double[] X = [-2, -0.5, 0, 1, 4];

    [Fact]
    public void Piecewise_unary_functions()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(X);
        Values([0, 0, 0, 1, 4], x.relu(), 0, 0);
        Values([2, 0.5, 0, 1, 4], x.abs(), 0, 0);
        Values([4, 0.25, 0, 1, 16], x.square(), 0, 0);
        Values([-1, -1, 0, 1, 1], x.sign(), 0, 0);
        Values([-2, -1, 0, 1, 4], x.floor(), 0, 0);
        Values([2, 0.5, 0, -1, -4], x.neg(), 0, 0);
        Values([-0.2, -0.05, 0, 1, 4], F.leaky_relu(x, 0.1), 1e-15);
        Values([-0.02, -0.005, 0, 1, 4], F.leaky_relu(x), 1e-15);
    }

    [Fact]
    public void Smooth_unary_functions_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(X);
        Values(X.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), x.sigmoid(), 1e-15);
        Values(X.Select(Math.Tanh).ToArray(), x.tanh(), 1e-15);
        Values(X.Select(Math.Exp).ToArray(), x.exp(), 1e-15);
        // Hand values for the common cases: sigmoid(0) = 1/2, tanh(0) = 0, exp(1) = e.
        Close(0.5, x.sigmoid().data<double>()[2], 0, 0);
        Close(Math.E, x.exp().data<double>()[3], 1e-15);

        var p = torch.tensor(new double[] { 0.25, 1, 4 });
        Values([0.5, 1, 2], p.sqrt(), 0, 0);
        Values([2, 1, 0.5], p.rsqrt(), 1e-15);
        Values([-1.3862943611198906, 0, 1.3862943611198906], p.log(), 1e-15);
        Values([4, 1, 0.25], p.reciprocal(), 0, 0);
        Values([Math.Log(1.25), Math.Log(2), Math.Log(5)], p.log1p(), 1e-15);
    }

    [Fact]
    public void Activations_in_float32()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor(X, 5);
        Values([0.11920292202211755, 0.3775406687981454, 0.5, 0.7310585786300049, 0.9820137900379085], x.sigmoid());
        Values([-0.9640275800758169, -0.46211715726000974, 0, 0.7615941559557649, 0.999329299739067], x.tanh());
        Assert.Equal(ScalarType.Float32, x.sigmoid().dtype);
    }

    [Fact]
    public void Clamp_with_either_or_both_bounds()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(X);
        Values([-1, -0.5, 0, 1, 2], x.clamp(-1, 2), 0, 0);
        Values([0, 0, 0, 1, 4], x.clamp(min: 0), 0, 0);
        Values([-2, -0.5, 0, 0, 0], x.clamp(max: 0), 0, 0);
        // libtorch refuses a clamp without bounds; the error arrives as a TorchException.
        Assert.Throws<TorchException>(() => x.clamp());
    }

    [Fact]
    public void Comparisons_give_bool_tensors()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(X);
        var gt = x.gt(0);
        Assert.Equal(ScalarType.Bool, gt.dtype);
        Assert.Equal([false, false, false, true, true], gt.data<bool>());
        Assert.Equal([true, true, false, false, false], x.lt(0).data<bool>());
        Assert.Equal([false, false, true, false, false], x.eq(0).data<bool>());
        Assert.Equal([false, false, true, true, true], x.ge(0).data<bool>());
        Assert.Equal([true, true, true, false, false], x.le(0).data<bool>());
        var y = torch.tensor(new double[] { -2, 0.5, 0, 2, 4 });
        Assert.Equal([true, false, true, false, true], x.eq(y).data<bool>());
        Assert.Equal([false, true, false, true, false], x.ne(y).data<bool>());
        Assert.Equal([false, true, false, true, false], x.lt(y).data<bool>());
        Assert.Equal([false, false, false, false, false], x.gt(y).data<bool>());
        var nan = torch.tensor(new double[] { 1, double.NaN, double.PositiveInfinity });
        Assert.Equal([false, true, false], nan.isnan().data<bool>());
        Assert.Equal([true, false, false], nan.isfinite().data<bool>());
    }

    [Fact]
    public void Where_picks_by_condition()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(X);
        var zeros = torch.zeros([5], ScalarType.Float64);
        Values([0, 0, 0, 1, 4], torch.where(x.gt(0), x, zeros), 0, 0);
    }
}
