using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;

namespace NormLab.Tests.Unit.Torch;

/// <summary>sum/mean/var/std (dims, keepdim, unbiased), var_mean, amax/amin, argmax, norm, quantile and sort.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReductionTests
{
    // [[1, 2, 3], [4, 5, 6]]: mean 3.5, squared deviations sum to 17.5.
    private static Tensor A() => F32Tensor([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void Sum_and_mean_over_all_and_over_dims()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Values([21], [], a.sum());
        Values([5, 7, 9], [3], a.sum(0));
        Values([6, 15], [2], a.sum(1));
        Values([6, 15], [2, 1], a.sum(1, keepdim: true));
        Values([21], [1, 1], a.sum([0, 1], keepdim: true));
        Values([3.5], [], a.mean());
        Values([2.5, 3.5, 4.5], [3], a.mean(0));
        Values([2, 5], [2, 1], a.mean(-1, keepdim: true));
    }

    [Fact]
    public void Variance_unbiased_divides_by_n_minus_one_biased_by_n()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Values([3.5], [], a.var());                    // 17.5 / 5
        Values([17.5 / 6], [], a.var(unbiased: false)); // 17.5 / 6
        Values([1, 1], [2], a.var([1]));               // each row: deviations -1, 0, 1
        Values([2.0 / 3, 2.0 / 3], [2], a.var([1], unbiased: false));
        Values([4.5, 4.5, 4.5], [3], a.var([0]));      // each column: deviations ±1.5
        Values([2.25, 2.25, 2.25], [1, 3], a.var([0], unbiased: false, keepdim: true));
        Values([Math.Sqrt(3.5)], [], a.std());
        Values([Math.Sqrt(4.5), Math.Sqrt(4.5), Math.Sqrt(4.5)], [3], a.std([0]));
        Values([1.5, 1.5, 1.5], [1, 3], a.std([0], unbiased: false, keepdim: true));
    }

    [Fact]
    public void Reductions_over_several_dims_of_a_3d_tensor()
    {
        using var scope = torch.NewDisposeScope();
        // x[i, j, k] = 12i + 4j + k.
        var x = torch.arange(0, 24, dtype: ScalarType.Float64).reshape(2, 3, 4);
        Values([60, 92, 124], [3], x.sum([0, 2]), 0, 0);
        Values([7.5, 11.5, 15.5], [3], x.mean([0, 2]), 1e-15);
        // For every j the 8 values are {0,1,2,3,12,13,14,15} + 4j: squared deviations sum to 298.
        Values([298.0 / 7, 298.0 / 7, 298.0 / 7], [1, 3, 1], x.var([0, 2], keepdim: true), 1e-14);
        Values([298.0 / 8, 298.0 / 8, 298.0 / 8], [3], x.var([0, 2], unbiased: false), 1e-14);
        Values([15, 19, 23], [3], x.amax([0, 2]), 0, 0);
        Values([0, 4, 8], [3], x.amin([0, 2]), 0, 0);
    }

    [Fact]
    public void Var_mean_returns_both_in_one_call()
    {
        using var scope = torch.NewDisposeScope();
        var (v, m) = A().var_mean([0], unbiased: false);
        Values([2.25, 2.25, 2.25], [3], v);
        Values([2.5, 3.5, 4.5], [3], m);
        var (vu, mk) = A().var_mean([1], unbiased: true, keepdim: true);
        Values([1, 1], [2, 1], vu);
        Values([2, 5], [2, 1], mk);
    }

    [Fact]
    public void Argmax_gives_int64_indices()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([1, 5, 3, 7, 2, 6], 2, 3);
        var rows = x.argmax(1);
        Assert.Equal(ScalarType.Int64, rows.dtype);
        Assert.Equal([1L, 0L], rows.data<long>());
        Assert.Equal([1L, 0L, 1L], x.argmax(0).data<long>());
        Assert.Equal([2L, 1L], x.argmax(1, keepdim: true).shape);
    }

    [Fact]
    public void Norm_is_euclidean_by_default()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 3, -4 });
        Values([5], x.norm(), 1e-15);
        Values([7], x.norm(1), 1e-15);
    }

    [Fact]
    public void Quantile_interpolates_linearly()
    {
        using var scope = torch.NewDisposeScope();
        // Sorted: 1 2 3 4 10; q·(n−1) = 0, 1, 2, 3.6, 4 → 1, 2, 3, 4 + 0.6·6, 10.
        var x = torch.tensor(new double[] { 10, 3, 1, 4, 2 });
        var q = torch.tensor(new double[] { 0, 0.25, 0.5, 0.9, 1 });
        Values([1, 2, 3, 7.6, 10], [5], x.quantile(q), 1e-14);
        var m = torch.tensor(new double[] { 1, 2, 3, 4, 40, 10, 30, 20 }, 2, 4);
        // Row medians: (2+3)/2 and (20+30)/2; the quantile axis comes first.
        Values([2.5, 25], [1, 2], m.quantile(torch.tensor(new[] { 0.5 }), dim: 1), 1e-14);
        Values([2.5, 25], [1, 2, 1], m.quantile(torch.tensor(new[] { 0.5 }), dim: 1, keepdim: true), 1e-14);
    }

    [Fact]
    public void Sort_returns_values_and_indices()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([3, 1, 2], 3);
        var (v, i) = x.sort();
        Values([1, 2, 3], v, 0, 0);
        Assert.Equal([1L, 2L, 0L], i.data<long>());
        var (vd, id) = x.sort(descending: true);
        Values([3, 2, 1], vd, 0, 0);
        Assert.Equal([0L, 2L, 1L], id.data<long>());
        var (v0, i0) = F32Tensor([5, 1, 2, 7], 2, 2).sort(0);
        Values([2, 1, 5, 7], v0, 0, 0);
        Assert.Equal([1L, 0L, 0L, 1L], i0.data<long>());
    }
}
