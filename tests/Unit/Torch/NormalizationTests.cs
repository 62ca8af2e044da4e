using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>batch_norm (torch-style running statistics), layer_norm and group_norm against hand-computed values.</summary>
[Collection(TorchCollection.Name)]
public sealed class NormalizationTests
{
    private const double Eps = 1e-5;

    // N = 4, C = 2: channel 0 = 1,2,3,4 (mean 2.5, biased var 1.25, unbiased 5/3);
    // channel 1 = 2,4,6,8 (mean 5, biased var 5, unbiased 20/3).
    private static Tensor X() => F32Tensor([1, 2, 2, 4, 3, 6, 4, 8], 4, 2);

    [Fact]
    public void Batch_norm_training_normalises_with_batch_stats_and_updates_running_stats_torch_style()
    {
        using var scope = torch.NewDisposeScope();
        var runningMean = torch.zeros(2);
        var runningVar = torch.ones(2);
        var weight = F32Tensor([1, 2], 2);
        var bias = F32Tensor([0, 1], 2);
        var y = F.batch_norm(X(), runningMean, runningVar, weight, bias, training: true, momentum: 0.1, eps: Eps);

        var s0 = Math.Sqrt(1.25 + Eps);
        var s1 = Math.Sqrt(5 + Eps);
        double[] expected = [-1.5 / s0, -3 / s1 * 2 + 1, -0.5 / s0, -1 / s1 * 2 + 1, 0.5 / s0, 1 / s1 * 2 + 1, 1.5 / s0, 3 / s1 * 2 + 1];
        Values(expected, [4, 2], y);
        // r ← 0.9·r + 0.1·batch, with the batch variance unbiased (n/(n−1)).
        Values([0.25, 0.5], runningMean);
        Values([0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 20 / 3], runningVar);

        // A second step compounds: r ← 0.9·r + 0.1·batch again.
        F.batch_norm(X(), runningMean, runningVar, weight, bias, training: true, momentum: 0.1, eps: Eps);
        Values([0.9 * 0.25 + 0.25, 0.9 * 0.5 + 0.5], runningMean);
        Values([0.9 * (0.9 + 0.1 * 5 / 3) + 0.1 * 5 / 3, 0.9 * (0.9 + 0.1 * 20 / 3) + 0.1 * 20 / 3], runningVar);
    }

    [Fact]
    public void Batch_norm_eval_uses_running_stats_and_leaves_them_alone()
    {
        using var scope = torch.NewDisposeScope();
        var runningMean = F32Tensor([1, -1], 2);
        var runningVar = F32Tensor([4, 0.25], 2);
        var y = F.batch_norm(X(), runningMean, runningVar, F32Tensor([1, 2], 2), F32Tensor([0, 1], 2), training: false, eps: Eps);
        var s0 = Math.Sqrt(4 + Eps);
        var s1 = Math.Sqrt(0.25 + Eps);
        double[] xs = [1, 2, 2, 4, 3, 6, 4, 8];
        var expected = xs.Select((v, i) => i % 2 == 0 ? (v - 1) / s0 : (v + 1) / s1 * 2 + 1).ToArray();
        Values(expected, [4, 2], y);
        Values([1, -1], runningMean, 0, 0);
        Values([4, 0.25], runningVar, 0, 0);
    }

    [Fact]
    public void Batch_norm_over_nchw_uses_batch_and_spatial_axes()
    {
        using var scope = torch.NewDisposeScope();
        // N=2, C=1, H=1, W=2: the channel holds 1, 2, 3, 4 → mean 2.5, biased var 1.25, unbiased 5/3.
        var x = F32Tensor([1, 2, 3, 4], 2, 1, 1, 2);
        var rm = torch.zeros(1);
        var rv = torch.ones(1);
        var y = F.batch_norm(x, rm, rv, training: true);
        var s = Math.Sqrt(1.25 + Eps);
        Values([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], [2, 1, 1, 2], y);
        Values([0.25], rm);
        Values([0.9 + 0.1 * 5 / 3], rv);
    }

    [Fact]
    public void Layer_norm_normalises_each_sample_over_the_trailing_shape()
    {
        using var scope = torch.NewDisposeScope();
        // Row 0: 1,2,3 (mean 2, var 2/3); row 1: 2,4,6 (mean 4, var 8/3).
        var x = F32Tensor([1, 2, 3, 2, 4, 6], 2, 3);
        var a = 1 / Math.Sqrt(2.0 / 3 + Eps);
        var b = 2 / Math.Sqrt(8.0 / 3 + Eps);
        Values([-a, 0, a, -b, 0, b], [2, 3], F.layer_norm(x, [3]));
        var w = F32Tensor([1, 2, 3], 3);
        var bias = F32Tensor([0.5, 0, -0.5], 3);
        Values([-a + 0.5, 0, 3 * a - 0.5, -b + 0.5, 0, 3 * b - 0.5], [2, 3], F.layer_norm(x, [3], w, bias));
        // Over both axes: values 1,2,3,2,4,6 → mean 3, biased var 16/6.
        var c = 1 / Math.Sqrt(16.0 / 6 + Eps);
        Values([-2 * c, -c, 0, -c, c, 3 * c], [2, 3], F.layer_norm(x, [2, 3]));
    }

    [Fact]
    public void Group_norm_normalises_channel_groups()
    {
        using var scope = torch.NewDisposeScope();
        // One sample, 4 channels of 1×1: group 0 = {1, 3} (mean 2, var 1), group 1 = {10, 20} (mean 15, var 25).
        var x = F32Tensor([1, 3, 10, 20], 1, 4, 1, 1);
        var g0 = 1 / Math.Sqrt(1 + Eps);
        var g1 = 5 / Math.Sqrt(25 + Eps);
        Values([-g0, g0, -g1, g1], [1, 4, 1, 1], F.group_norm(x, 2));
    }
}
