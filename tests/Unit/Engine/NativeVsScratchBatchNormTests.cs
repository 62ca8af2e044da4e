using NormLab.Tests.Unit.Torch;
using NormLab.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using static NormLab.Tests.Unit.Engine.BnTestKit;

namespace NormLab.Tests.Unit.Engine;

/// <summary>
/// The from-scratch BN (tensor ops, autograd derives the backward pass) and libtorch's native BN agree on outputs,
/// input and γ/β gradients and running statistics to 1e-5, for every convention, in train and eval, 1-d and 2-d.
/// </summary>
public class NativeVsScratchBatchNormTests
{
    public static TheoryData<BnConvention, int> Cases()
    {
        var data = new TheoryData<BnConvention, int>();
        foreach (var c in Conventions)
        {
            data.Add(c, 1);
            data.Add(c, 3);
        }
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Outputs_gradients_and_running_statistics_agree(BnConvention convention, int sampleRank)
    {
        long[] shape = sampleRank == 1 ? [12, 5] : [6, 4, 3, 3];
        var channels = shape[1];
        using var native = Layer(convention, BnImplementation.Native, channels, sampleRank);
        using var scratch = Layer(convention, BnImplementation.Scratch, channels, sampleRank);
        // Non-trivial γ, β so their gradients and the affine step are exercised.
        using (torch.no_grad())
        {
            foreach (var bn in new[] { native, scratch })
            {
                using var g = torch.arange(1, channels + 1, 1, ScalarType.Float32);
                bn.weight!.copy_(g * 0.5);
                bn.bias!.copy_(g - 2);
            }
        }
        using var upstream = Input(99, shape, scale: 1, offset: 0);
        for (var step = 0; step < 4; step++)
        {
            using var scope = torch.NewDisposeScope();
            var x1 = Input((ulong)(40 + step), shape, scale: 2 + step, offset: 10 * step).requires_grad_();
            var x2 = x1.detach().requires_grad_();
            var y1 = native.forward(x1);
            var y2 = scratch.forward(x2);
            Assert.True(MaxAbsDiff(y1, y2) < 1e-5, $"train output differs at step {step}: {MaxAbsDiff(y1, y2)}");
            (y1 * upstream).sum().backward();
            (y2 * upstream).sum().backward();
            Assert.True(MaxAbsDiff(x1.grad!, x2.grad!) < 1e-5, "input gradient differs");
            Assert.True(MaxRelDiff(native.weight!.grad!, scratch.weight!.grad!) < 1e-5, "γ gradient differs");
            Assert.True(MaxRelDiff(native.bias!.grad!, scratch.bias!.grad!) < 1e-5, "β gradient differs");
            native.weight!.grad = null; native.bias!.grad = null;
            scratch.weight!.grad = null; scratch.bias!.grad = null;
            Assert.True(MaxAbsDiff(native.running_mean!, scratch.running_mean!) < 1e-5, "running mean differs");
            Assert.True(MaxRelDiff(native.running_var!, scratch.running_var!) < 1e-5, "running var differs");
            x1.Dispose();
        }
        Assert.Equal(native.num_batches_tracked, scratch.num_batches_tracked);
        native.eval();
        scratch.eval();
        using var xe = Input(77, shape, scale: 3, offset: 15);
        using var e1 = native.forward(xe);
        using var e2 = scratch.forward(xe);
        Assert.True(MaxAbsDiff(e1, e2) < 1e-5, $"eval output differs: {MaxAbsDiff(e1, e2)}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_central_finite_differences_in_double(BnConvention convention, int sampleRank)
    {
        long[] shape = sampleRank == 1 ? [5, 3] : [3, 2, 2, 2];
        foreach (var impl in new[] { BnImplementation.Native, BnImplementation.Scratch })
        {
            using var bn = Layer(convention, impl, shape[1], sampleRank);
            using var x = Input(5, shape, dtype: ScalarType.Float64);
            using var w = Input(6, shape, scale: 1, offset: 0.3, dtype: ScalarType.Float64);
            // The layer's parameters are float32; compare in double by running the double input through a double copy.
            using var weight = torch.ones([shape[1]], ScalarType.Float64).requires_grad_();
            double Loss(Tensor input)
            {
                using var scope = torch.NewDisposeScope();
                return ForwardDouble(bn, input, weight).mul(w).sum().item();
            }
            using var xg = x.detach().requires_grad_();
            using (var scope = torch.NewDisposeScope()) ForwardDouble(bn, xg, weight).mul(w).sum().backward();
            using var analytic = xg.grad!;
            var grad = analytic.data<double>().ToArray();
            var values = x.data<double>().ToArray();
            const double h = 1e-6;
            for (var i = 0; i < values.Length; i++)
            {
                var plus = (double[])values.Clone();
                var minus = (double[])values.Clone();
                plus[i] += h;
                minus[i] -= h;
                using var xp = torch.tensor(plus, shape);
                using var xm = torch.tensor(minus, shape);
                var numeric = (Loss(xp) - Loss(xm)) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[i]) < 1e-6 * Math.Max(1, Math.Abs(numeric)),
                    $"{impl} {convention}: d/dx[{i}] numeric {numeric} vs autograd {grad[i]}");
            }
        }
    }

    /// <summary>The layer's normalisation in float64, without touching its float32 statistics (training mode, batch stats).</summary>
    private static Tensor ForwardDouble(NormLab.Engine.Normalization.BatchNormLayer bn, Tensor x, Tensor weight)
    {
        var spec = bn.Spec with { TrackRunningStats = false };
        // The layer's γ/β are float32; in double we apply γ = weight explicitly after a non-affine pass.
        using var plain = new NormLab.Engine.Normalization.BatchNormLayer(spec with { Affine = false }, bn.Channels, bn.SampleRank, bn.GetName());
        var y = plain.forward(x);
        long[] view = bn.SampleRank == 1 ? [1, bn.Channels] : [1, bn.Channels, 1, 1];
        return y * weight.view(view);
    }
}
