using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>
/// Autograd through the binding: gradients of composite expressions against central finite differences in float64,
/// plus the mechanics (grad is null before backward, accumulation, set/clear, explicit output gradients).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GradientTests
{
    /// <summary>
    /// Compares autograd's gradient of the scalar <paramref name="f"/> w.r.t. every input with central differences
    /// (h = 1e-6; float64 gives ~1e-9 absolute accuracy for the O(1) functions used here).
    /// </summary>
    private static void CheckGradients(Func<Tensor[], Tensor> f, params (double[] Values, long[] Shape)[] inputs)
    {
        using var scope = torch.NewDisposeScope();
        var leaves = inputs.Select(i => torch.tensor(i.Values, i.Shape).requires_grad_()).ToArray();
        var loss = f(leaves);
        Assert.Equal(0, loss.dim());
        loss.backward();
        const double h = 1e-6;
        for (var k = 0; k < inputs.Length; k++)
        {
            var analytic = leaves[k].grad!.data<double>();
            for (var j = 0; j < inputs[k].Values.Length; j++)
            {
                double Eval(double delta)
                {
                    using var inner = torch.NewDisposeScope();
                    using var _ = torch.no_grad();
                    var args = inputs.Select((inp, idx) =>
                    {
                        var v = (double[])inp.Values.Clone();
                        if (idx == k) v[j] += delta;
                        return torch.tensor(v, inp.Shape);
                    }).ToArray();
                    return f(args).item();
                }
                var numeric = (Eval(h) - Eval(-h)) / (2 * h);
                Close(numeric, analytic[j], 1e-6, 1e-8, $"d loss / d input{k}[{j}]");
            }
        }
    }

    private static double[] Rand(int seed, int n, double scale = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (r.NextDouble() * 2 - 1) * scale).ToArray();
    }

    [Fact]
    public void Sum_of_squared_sigmoid_of_affine_map()
    {
        // sum(sigmoid(x·W + b)²) w.r.t. x [3,4], W [4,2], b [2].
        CheckGradients(t => t[0].matmul(t[1]).add(t[2]).sigmoid().square().sum(),
            (Rand(1, 12), [3, 4]), (Rand(2, 8), [4, 2]), (Rand(3, 2), [2]));
    }

    [Fact]
    public void Elementwise_chain_with_division_powers_and_logs()
    {
        // sum(tanh(x)·exp(−x²) / sqrt(1 + x²) + log(1 + y²)·y^3 − x/(y² + 1) + rsqrt(y²+2)), x, y [5].
        CheckGradients(t =>
        {
            var x = t[0];
            var y = t[1];
            var x2 = x.square();
            var y2 = y.pow(2);
            return x.tanh().mul(x2.neg().exp()).div(x2.add(1).sqrt())
                .add(y2.add(1).log().mul(y.pow(3)))
                .sub(x.div(y2.add(1)))
                .add(y2.add(2).rsqrt())
                .sum();
        }, (Rand(4, 5, 2), [5]), (Rand(5, 5, 2), [5]));
    }

    [Fact]
    public void Variance_and_std_with_dims()
    {
        CheckGradients(t => t[0].var([1]).sum().add(t[0].std([0], unbiased: false).mul(t[0].mean(1).sum()).sum()),
            (Rand(6, 12), [3, 4]));
    }

    [Fact]
    public void Conv_relu_pool_linear_cross_entropy_chain()
    {
        // x [2,1,6,6] → conv(2 filters 3×3, bias) [2,2,4,4] → relu → max_pool 2 [2,2,2,2] → flatten [2,8]
        // → linear(8→3) → cross_entropy with targets {0, 2}.
        CheckGradients(t =>
        {
            using var targets = torch.tensor(new long[] { 0, 2 }).DetachFromDisposeScope();
            var h = F.conv2d(t[0], t[1], t[2]).relu();
            var p = F.max_pool2d(h, 2).flatten(1);
            return F.cross_entropy(F.linear(p, t[3], t[4]), targets);
        }, (Rand(7, 72), [2, 1, 6, 6]), (Rand(8, 18), [2, 1, 3, 3]), (Rand(9, 2, 0.1), [2]), (Rand(10, 24), [3, 8]), (Rand(11, 3), [3]));
    }

    [Fact]
    public void Conv_with_stride_padding_dilation_groups_and_avg_pool()
    {
        CheckGradients(t =>
        {
            var y = F.conv2d(t[0], t[1], null, stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2);
            return F.avg_pool2d(y, 2, 1, padding: 1).tanh().sum();
        }, (Rand(12, 2 * 4 * 5 * 5), [2, 4, 5, 5]), (Rand(13, 4 * 2 * 3 * 2), [4, 2, 3, 2]));
    }

    [Fact]
    public void Batch_norm_in_training_mode_wrt_input_weight_and_bias()
    {
        // Weighted sum, because the plain sum of a batch-normalised output does not depend on the input.
        var r = Rand(14, 12);
        CheckGradients(t =>
        {
            using var rt = torch.tensor(r, 4, 3).DetachFromDisposeScope();
            return F.batch_norm(t[0], null, null, t[1], t[2], training: true).mul(rt).sum();
        }, (Rand(15, 12, 3), [4, 3]), (Rand(16, 3), [3]), (Rand(17, 3), [3]));
    }

    [Fact]
    public void Batch_norm_on_nchw_with_running_stats_and_layer_norm()
    {
        var r = Rand(18, 16);
        CheckGradients(t =>
        {
            using var rm = torch.zeros([2], ScalarType.Float64).DetachFromDisposeScope();
            using var rv = torch.ones([2], ScalarType.Float64).DetachFromDisposeScope();
            using var rt = torch.tensor(r, 2, 2, 2, 2).DetachFromDisposeScope();
            var y = F.batch_norm(t[0], rm, rv, t[1], t[2], training: true, momentum: 0.1, eps: 1e-5);
            return F.layer_norm(y, [2, 2]).mul(rt).sum();
        }, (Rand(19, 16, 2), [2, 2, 2, 2]), (Rand(20, 2), [2]), (Rand(21, 2), [2]));
    }

    [Fact]
    public void Softmax_log_softmax_nll_and_mse()
    {
        CheckGradients(t =>
        {
            using var target = torch.tensor(new long[] { 1, 0, 2 }).DetachFromDisposeScope();
            var s = F.softmax(t[0], 1);
            var nll = F.nll_loss(F.log_softmax(t[0], 1), target, NormLab.Torch.Reduction.Sum);
            return nll.add(F.mse_loss(s, t[1])).add(F.leaky_relu(t[1], 0.2).sum());
        }, (Rand(22, 9, 2), [3, 3]), (Rand(23, 9), [3, 3]));
    }

    [Fact]
    public void Grad_is_null_before_backward_and_accumulates_after()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(new[] { 1.0, -2.0 }).requires_grad_();
        Assert.Null(w.grad);
        w.mul(w).sum().backward();                      // d/dw Σw² = 2w
        Values([2, -4], w.grad!, 0, 0);
        w.mul(3).sum().backward();                      // accumulates + 3
        Values([5, -1], w.grad!, 0, 0);
        w.grad = torch.tensor(new[] { 0.5, 0.5 });
        Values([0.5, 0.5], w.grad!, 0, 0);
        w.grad = null;
        Assert.Null(w.grad);
    }

    [Fact]
    public void Backward_of_a_non_scalar_takes_an_output_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1.0, 2.0, 3.0 }).requires_grad_();
        var y = x.square();
        y.backward(torch.tensor(new[] { 1.0, 0.5, -1.0 }), retainGraph: true);
        Values([2, 2, -6], x.grad!, 0, 0);
        // retainGraph let us run the same graph again.
        y.backward(torch.tensor(new[] { 1.0, 1.0, 1.0 }));
        Values([4, 6, 0], x.grad!, 0, 0);
    }

    [Fact]
    public void Zero_grad_zeroes_or_drops_gradients()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(new[] { 1.0, 2.0 }).requires_grad_();
        using var opt = new SGD([w], lr: 0.1);
        w.sum().backward();
        var held = w.grad!;
        opt.zero_grad(setToNone: false);
        Values([0, 0], w.grad!, 0, 0);
        w.sum().backward();
        Values([1, 1], w.grad!, 0, 0);
        opt.zero_grad();
        Assert.Null(w.grad);
        Assert.False(held.IsDisposed);
    }

    [Fact]
    public void No_grad_stops_recording()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.ones([2], ScalarType.Float64, requiresGrad: true);
        using (torch.no_grad())
        {
            Assert.False(w.mul(2).requires_grad);
        }
        Assert.True(w.mul(2).requires_grad);
    }
}
