using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>conv2d (stride, padding, dilation, groups), max/avg pooling, linear and matmul on tiny hand-computed cases.</summary>
[Collection(TorchCollection.Name)]
public sealed class ConvPoolLinearTests
{
    // x = [[1,2,3],[4,5,6],[7,8,9]] as a 1×1×3×3 batch; k = [[1,2],[3,4]] as a 1×1×2×2 weight.
    private static Tensor X3() => F32Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
    private static Tensor K2() => F32Tensor([1, 2, 3, 4], 1, 1, 2, 2);

    [Fact]
    public void Conv2d_plain_and_with_bias()
    {
        using var scope = torch.NewDisposeScope();
        // out[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37; each step right adds 10, each step down adds 30.
        Values([37, 47, 67, 77], [1, 1, 2, 2], F.conv2d(X3(), K2()));
        Values([37.5, 47.5, 67.5, 77.5], [1, 1, 2, 2], F.conv2d(X3(), K2(), F32Tensor([0.5], 1)));
    }

    [Fact]
    public void Conv2d_with_stride_and_padding()
    {
        using var scope = torch.NewDisposeScope();
        // Padded 5×5, stride 2 → 2×2 windows over original rows/cols {-1,0} and {1,2}:
        // [0,0] = 1·4; [0,1] = 2·3 + 3·4; [1,0] = 4·2 + 7·4; [1,1] = 5·1 + 6·2 + 8·3 + 9·4.
        Values([4, 18, 36, 77], [1, 1, 2, 2], F.conv2d(X3(), K2(), stride: (2, 2), padding: (1, 1)));
        // Asymmetric padding (0 rows, 1 column), stride 1: 2×4 output.
        // Row 0: [0·1+1·2+0·3+4·4, 1+4+12+20, 2+6+15+24, 3·1+0+6·3+0] = [18, 37, 47, 21].
        Values([18, 37, 47, 21, 36, 67, 77, 33], [1, 1, 2, 4], F.conv2d(X3(), K2(), padding: (0, 1)));
    }

    [Fact]
    public void Conv2d_with_dilation()
    {
        using var scope = torch.NewDisposeScope();
        // x[r,c] = 4r + c + 1 (4×4); dilation 2 spreads the 2×2 kernel over a 3×3 window:
        // out[i,j] = x[i,j]·1 + x[i,j+2]·2 + x[i+2,j]·3 + x[i+2,j+2]·4 = 10·x[i,j] + 68.
        var x = torch.arange(1, 17, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        Values([78, 88, 118, 128], [1, 1, 2, 2], F.conv2d(x, K2(), dilation: (2, 2)));
    }

    [Fact]
    public void Conv2d_with_groups_keeps_channels_apart()
    {
        using var scope = torch.NewDisposeScope();
        // Two channels: [[1,2],[3,4]] and [[5,6],[7,8]].
        var x = F32Tensor([1, 2, 3, 4, 5, 6, 7, 8], 1, 2, 2, 2);
        // groups=2, 1×1 kernels 2 and −1: each channel scaled on its own.
        Values([2, 4, 6, 8, -5, -6, -7, -8], [1, 2, 2, 2], F.conv2d(x, F32Tensor([2, -1], 2, 1, 1, 1), groups: 2));
        // groups=2, 2×2 kernels: ones on channel 0 (sum 10), identity diagonal on channel 1 (5 + 8).
        Values([10, 13], [1, 2, 1, 1], F.conv2d(x, F32Tensor([1, 1, 1, 1, 1, 0, 0, 1], 2, 1, 2, 2), groups: 2));
        // groups=1 with a [1,2,1,1] kernel mixes them: ch0 + 10·ch1.
        Values([51, 62, 73, 84], [1, 1, 2, 2], F.conv2d(x, F32Tensor([1, 10], 1, 2, 1, 1)));
    }

    [Fact]
    public void Conv2d_module_has_pytorch_parameter_shapes_and_init_bounds()
    {
        using var conv = new Conv2d(2, 6, 3, groups: 2);
        Assert.Equal([6L, 1, 3, 3], conv.weight.shape);
        Assert.Equal([6L], conv.bias!.shape);
        // kaiming_uniform(a=√5) = U(±1/√fan_in), fan_in = 1·3·3.
        var bound = 1 / Math.Sqrt(9);
        Assert.All(conv.weight.data<float>(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.bias.data<float>(), v => Assert.InRange(v, -bound, bound));
        using var scope = torch.NewDisposeScope();
        Assert.Equal([4L, 6, 5, 5], conv.forward(torch.zeros(4, 2, 7, 7)).shape);
        Assert.Equal([4L, 6, 3, 3], new Conv2d(2, 6, 3, stride: 2, padding: 1).forward(torch.zeros(4, 2, 5, 5)).shape);
    }

    // [[1,9,2,3],[4,5,8,0],[7,1,6,2],[3,3,0,5]]
    private static Tensor P4() => F32Tensor([1, 9, 2, 3, 4, 5, 8, 0, 7, 1, 6, 2, 3, 3, 0, 5], 1, 1, 4, 4);

    [Fact]
    public void Max_pool()
    {
        using var scope = torch.NewDisposeScope();
        Values([9, 8, 7, 6], [1, 1, 2, 2], F.max_pool2d(P4(), 2));
        Values([9, 9, 8, 7, 8, 8, 7, 6, 6], [1, 1, 3, 3], F.max_pool2d(P4(), 2, stride: 1));
        Values([5, 6, 8, 9], [1, 1, 2, 2], new MaxPool2d(2, 1).forward(X3()));
        // 3×3 with kernel 2: floor mode drops the last row/column, ceil mode keeps a partial window.
        Values([5], [1, 1, 1, 1], F.max_pool2d(X3(), 2));
        Values([5, 6, 8, 9], [1, 1, 2, 2], F.max_pool2d(X3(), 2, ceilMode: true));
    }

    [Fact]
    public void Avg_pool()
    {
        using var scope = torch.NewDisposeScope();
        Values([4.75, 3.25, 3.5, 3.25], [1, 1, 2, 2], F.avg_pool2d(P4(), 2));
        Values([4.75, 3.25, 3.5, 3.25], [1, 1, 2, 2], new AvgPool2d(2).forward(P4()));
        // Padding 1 on a 2×2 input: each 2×2 window holds one real value and three zeros of padding.
        var x = F32Tensor([1, 2, 3, 4], 1, 1, 2, 2);
        Values([0.25, 0.5, 0.75, 1], [1, 1, 2, 2], F.avg_pool2d(x, 2, 2, padding: 1));
        Values([1, 2, 3, 4], [1, 1, 2, 2], F.avg_pool2d(x, 2, 2, padding: 1, countIncludePad: false));
    }

    [Fact]
    public void Matmul_of_matrices_vectors_and_batches()
    {
        using var scope = torch.NewDisposeScope();
        var a = F32Tensor([1, 2, 3, 4], 2, 2);
        var b = F32Tensor([5, 6, 7, 8], 2, 2);
        Values([19, 22, 43, 50], [2, 2], a.matmul(b));
        Values([17, 39], [2], a.matmul(F32Tensor([5, 6], 2)));
        // A batch of two 1×2 rows against one 2×2 matrix broadcasts.
        Values([19, 22, 43, 50], [2, 1, 2], F32Tensor([1, 2, 3, 4], 2, 1, 2).matmul(b));
        var c = F32Tensor([1, 2, 3, 4, 5, 6], 2, 3);
        Values([14, 32, 32, 77], [2, 2], c.matmul(c.t()));
    }

    [Fact]
    public void Linear_is_x_times_w_transposed_plus_b()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([1, 2, -1, 3], 2, 2);
        var w = F32Tensor([1, 0, 0, 1, 1, 1], 3, 2);
        var b = F32Tensor([0.5, -0.5, 0], 3);
        Values([1.5, 1.5, 3, -0.5, 2.5, 2], [2, 3], F.linear(x, w, b));
        Values([1, 2, 3, -1, 3, 2], [2, 3], F.linear(x, w));
    }

    [Fact]
    public void Linear_module_computes_with_its_own_parameters()
    {
        using var lin = new Linear(2, 3);
        Assert.Equal([3L, 2], lin.weight.shape);
        using (torch.no_grad())
        {
            lin.weight.copy_(F32Tensor([1, 0, 0, 1, 1, 1], 3, 2));
            lin.bias!.copy_(F32Tensor([0.5, -0.5, 0], 3));
        }
        using var scope = torch.NewDisposeScope();
        Values([1.5, 1.5, 3], [1, 3], lin.forward(F32Tensor([1, 2], 1, 2)));
        Assert.Equal(["weight", "bias"], lin.named_parameters().Select(p => p.Name));
    }
}
