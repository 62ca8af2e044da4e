using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;

namespace NormLab.Tests.Unit.Torch;

/// <summary>reshape/view/flatten/permute/transpose/contiguous/unsqueeze/squeeze/expand, narrow, index_select, cat, stack.</summary>
[Collection(TorchCollection.Name)]
public sealed class ShapeTests
{
    // [[0,1,2],[3,4,5]]
    private static Tensor A() => torch.arange(0, 6, dtype: ScalarType.Float32).reshape(2, 3);

    [Fact]
    public void Reshape_view_and_flatten_keep_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Values([0, 1, 2, 3, 4, 5], [3, 2], a.view(3, 2), 0, 0);
        Values([0, 1, 2, 3, 4, 5], [6], a.reshape(-1), 0, 0);
        var x = torch.arange(0, 24, dtype: ScalarType.Float32).reshape(2, 3, 4);
        Assert.Equal([2L, 12], x.flatten(1).shape);
        Assert.Equal([24L], x.flatten().shape);
        Assert.Equal([6L, 4], x.flatten(0, 1).shape);
        Assert.Equal([2L, 12], new Flatten().forward(x).shape);
        Assert.Equal(4, x.size(-1));
        Assert.Equal(3, x.size(1));
        Assert.Equal(3, x.dim());
        Assert.Equal(24, x.numel());
    }

    [Fact]
    public void Transpose_and_permute_reorder_elements()
    {
        using var scope = torch.NewDisposeScope();
        var t = A().transpose(0, 1);
        Assert.Equal([3L, 2], t.shape);
        // data<T>() reads a non-contiguous tensor in logical order.
        Values([0, 3, 1, 4, 2, 5], t, 0, 0);
        Values([0, 3, 1, 4, 2, 5], [3, 2], t.contiguous(), 0, 0);
        Values([0, 3, 1, 4, 2, 5], A().t(), 0, 0);
        // x[i,j,k] = 12i + 4j + k; permute(2,0,1)[k,i,j] = x[i,j,k].
        var p = torch.arange(0, 24, dtype: ScalarType.Float32).reshape(2, 3, 4).permute(2, 0, 1);
        Assert.Equal([4L, 2, 3], p.shape);
        Values([0, 4, 8, 12, 16, 20, 1, 5, 9, 12 + 1, 16 + 1, 20 + 1], p.flatten().narrow(0, 0, 12), 0, 0);
    }

    [Fact]
    public void Unsqueeze_squeeze_and_expand()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Assert.Equal([1L, 2, 3], a.unsqueeze(0).shape);
        Assert.Equal([2L, 3, 1], a.unsqueeze(-1).shape);
        Assert.Equal([2L, 3], a.unsqueeze(1).squeeze(1).shape);
        // squeeze of a dim that is not 1 is a no-op, as in PyTorch.
        Assert.Equal([2L, 3], a.squeeze(0).shape);
        var col = F32Tensor([1, 2, 3], 3, 1);
        Values([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], [3, 4], col.expand(3, 4), 0, 0);
    }

    [Fact]
    public void Narrow_and_index_select()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        Values([1, 2, 4, 5], [2, 2], a.narrow(1, 1, 2), 0, 0);
        Values([3, 4, 5], [1, 3], a.narrow(0, 1, 1), 0, 0);
        Values([2, 0, 5, 3], [2, 2], a.index_select(1, torch.tensor(new long[] { 2, 0 })), 0, 0);
        Values([3, 4, 5, 3, 4, 5, 0, 1, 2], [3, 3], a.index_select(0, torch.tensor(new long[] { 1, 1, 0 })), 0, 0);
    }

    [Fact]
    public void Cat_and_stack()
    {
        using var scope = torch.NewDisposeScope();
        var a = F32Tensor([1, 2], 1, 2);
        var b = F32Tensor([3, 4, 5, 6], 2, 2);
        Values([1, 2, 3, 4, 5, 6], [3, 2], torch.cat([a, b]), 0, 0);
        Values([1, 2, 5, 6, 3, 4, 7, 8], [2, 4], torch.cat([F32Tensor([1, 2, 3, 4], 2, 2), F32Tensor([5, 6, 7, 8], 2, 2)], 1), 0, 0);
        var u = F32Tensor([1, 2], 2);
        var v = F32Tensor([3, 4], 2);
        Values([1, 2, 3, 4], [2, 2], torch.stack([u, v]), 0, 0);
        Values([1, 3, 2, 4], [2, 2], torch.stack([u, v], 1), 0, 0);
    }
}
