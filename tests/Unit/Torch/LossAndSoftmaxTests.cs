using Xunit;
using NormLab.Torch;
using NormLab.Torch.Native;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>softmax/log_softmax, cross_entropy, nll_loss and mse_loss against hand-computed values.</summary>
[Collection(TorchCollection.Name)]
public sealed class LossAndSoftmaxTests
{
    // logsumexp(1, 2, 3) = 3 + ln(1 + e^-1 + e^-2) = 3.40760596444438.
    private const double Lse123 = 3.40760596444438;

    [Fact]
    public void Softmax_and_log_softmax_along_rows()
    {
        using var scope = torch.NewDisposeScope();
        var x = F32Tensor([1, 2, 3, 0, 0, 0], 2, 3);
        Values([0.09003057317038046, 0.24472847105479767, 0.6652409557748219, 1.0 / 3, 1.0 / 3, 1.0 / 3], [2, 3], F.softmax(x, 1));
        Values([1 - Lse123, 2 - Lse123, 3 - Lse123, -Math.Log(3), -Math.Log(3), -Math.Log(3)], [2, 3], F.log_softmax(x, -1));
    }

    [Fact]
    public void Softmax_along_columns()
    {
        using var scope = torch.NewDisposeScope();
        // Column 0: e^0 : e^ln3 = 1 : 3.
        var x = F32Tensor([0, 0, Math.Log(3), 0], 2, 2);
        Values([0.25, 0.5, 0.75, 0.5], F.softmax(x, 0));
        Values([0.25, 0.5, 0.75, 0.5], new Softmax(0).forward(x));
    }

    [Fact]
    public void Cross_entropy_with_each_reduction()
    {
        using var scope = torch.NewDisposeScope();
        var logits = F32Tensor([1, 2, 3, 1, 1, 1], 2, 3);
        var target = torch.tensor(new long[] { 2, 0 });
        // −log softmax: sample 0 picks class 2 → Lse − 3; sample 1 is uniform → ln 3.
        var l0 = Lse123 - 3;
        var l1 = Math.Log(3);
        Values([(l0 + l1) / 2], [], F.cross_entropy(logits, target));
        Values([l0 + l1], [], F.cross_entropy(logits, target, Reduction.Sum));
        Values([l0, l1], [2], F.cross_entropy(logits, target, Reduction.None));
    }

    [Fact]
    public void Cross_entropy_with_label_smoothing()
    {
        using var scope = torch.NewDisposeScope();
        var logits = F32Tensor([1, 2, 3, 1, 1, 1], 2, 3);
        var target = torch.tensor(new long[] { 2, 0 });
        // (1−ε)·nll + ε·mean_k(−log p_k); for sample 0 the mean of −log p is Lse − 2.
        const double eps = 0.1;
        var s0 = (1 - eps) * (Lse123 - 3) + eps * (Lse123 - 2);
        var s1 = Math.Log(3);
        Values([(s0 + s1) / 2], [], F.cross_entropy(logits, target, labelSmoothing: eps));
    }

    [Fact]
    public void Nll_loss_picks_minus_the_target_entry()
    {
        using var scope = torch.NewDisposeScope();
        var logp = F32Tensor([-1, -2, -3, -4, -5, -6], 2, 3);
        var target = torch.tensor(new long[] { 1, 2 });
        Values([4], [], F.nll_loss(logp, target));
        Values([8], [], F.nll_loss(logp, target, Reduction.Sum));
        Values([2, 6], [2], F.nll_loss(logp, target, Reduction.None));
        // cross_entropy = nll_loss ∘ log_softmax.
        var logits = F32Tensor([1, 2, 3, 1, 1, 1], 2, 3);
        var t = torch.tensor(new long[] { 2, 0 });
        Values(F.cross_entropy(logits, t).data<float>().Select(v => (double)v).ToArray(), F.nll_loss(F.log_softmax(logits, 1), t));
    }

    [Fact]
    public void Mse_loss()
    {
        using var scope = torch.NewDisposeScope();
        var a = F32Tensor([1, 2, 3], 3);
        var b = F32Tensor([1, 0, 0], 3);
        Values([13.0 / 3], [], F.mse_loss(a, b));
        Values([13], [], F.mse_loss(a, b, Reduction.Sum));
        Values([0, 4, 9], [3], F.mse_loss(a, b, Reduction.None));
    }
}
