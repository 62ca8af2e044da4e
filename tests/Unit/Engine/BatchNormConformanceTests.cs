using NormLab.Tests.Unit.Torch;
using NormLab.Core.Networks;
using NormLab.Engine;
using NormLab.Engine.Normalization;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using static NormLab.Tests.Unit.Engine.BnTestKit;

namespace NormLab.Tests.Unit.Engine;

/// <summary>The conformance list of DESIGN.md ("BN semantics every implementation must match"), one fact each.</summary>
public class BatchNormConformanceTests
{
    public static TheoryData<BnConvention, BnImplementation> All()
    {
        var data = new TheoryData<BnConvention, BnImplementation>();
        foreach (var c in Conventions)
            foreach (var i in new[] { BnImplementation.Native, BnImplementation.Scratch })
                data.Add(c, i);
        return data;
    }

    [Theory, MemberData(nameof(All))]
    public void Training_normalises_with_batch_mean_and_biased_variance(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 3);
        using var x = Input(1, [8, 3, 4, 4]);
        using var y = bn.forward(x);
        using var mean = y.mean([0, 2, 3]);
        using var var = y.var([0, 2, 3], unbiased: false);
        var eps = bn.Spec.ResolvedEpsilon;
        using var xvar = x.var([0, 2, 3], unbiased: false);
        var expectedVar = xvar.data<float>().ToArray().Select(v => v / (v + eps)).ToArray();
        Assert.All(mean.data<float>().ToArray(), m => Assert.InRange(m, -1e-5, 1e-5));
        var got = var.data<float>().ToArray();
        for (var i = 0; i < 3; i++) Assert.Equal(expectedVar[i], got[i], 1e-4);
    }

    [Theory, MemberData(nameof(All))]
    public void Initial_state_is_mean_0_var_1_gamma_1_beta_0(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 4, 1);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, bn.running_mean!.data<float>().ToArray());
        Assert.Equal(new float[] { 1, 1, 1, 1 }, bn.running_var!.data<float>().ToArray());
        Assert.Equal(new float[] { 1, 1, 1, 1 }, bn.weight!.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 0 }, bn.bias!.data<float>().ToArray());
        Assert.Equal(0, bn.num_batches_tracked);
    }

    [Theory, MemberData(nameof(All))]
    public void Num_batches_tracked_rises_in_training_only(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 2, 1);
        using var x = Input(2, [5, 2]);
        bn.forward(x).Dispose();
        bn.forward(x).Dispose();
        Assert.Equal(2, bn.num_batches_tracked);
        bn.eval();
        var before = bn.Statistics.Map(s => s.RunningMean).IfNone([]);
        bn.forward(x).Dispose();
        Assert.Equal(2, bn.num_batches_tracked);
        Assert.Equal(before, bn.running_mean!.data<float>().ToArray());
    }

    [Theory, MemberData(nameof(All))]
    public void Eval_output_of_a_row_does_not_depend_on_the_batch_and_repeats(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 1);
        using (var warm = Input(3, [16, 3])) bn.forward(warm).Dispose();
        bn.eval();
        using var batch = Input(4, [6, 3]);
        using var all = bn.forward(batch);
        using var again = bn.forward(batch);
        using var row = batch.narrow(0, 2, 1);
        using var alone = bn.forward(row);
        using var rowOfAll = all.narrow(0, 2, 1);
        Assert.Equal(all.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.Equal(rowOfAll.data<float>().ToArray(), alone.data<float>().ToArray());
    }

    [Theory, MemberData(nameof(All))]
    public void Without_running_stats_train_and_eval_are_identical(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 3, track: false);
        using var x = Input(5, [4, 3, 2, 2]);
        using var train = bn.forward(x);
        bn.eval();
        using var eval = bn.forward(x);
        Assert.Equal(train.data<float>().ToArray(), eval.data<float>().ToArray());
        Assert.True(bn.Statistics.IsNone);
    }

    [Theory, MemberData(nameof(All))]
    public void Affine_false_equals_gamma_1_beta_0_in_output_and_gradient(BnConvention c, BnImplementation impl)
    {
        using var plain = Layer(c, impl, 3, 1, affine: false);
        using var affine = Layer(c, impl, 3, 1, affine: true);
        using var x1 = Input(6, [7, 3]).requires_grad_();
        using var x2 = x1.detach().requires_grad_();
        using var y1 = plain.forward(x1);
        using var y2 = affine.forward(x2);
        Assert.Equal(y1.data<float>().ToArray(), y2.data<float>().ToArray());
        using var w = torch.tensor(Enumerable.Range(0, 21).Select(i => (float)Math.Sin(i)).ToArray(), 7, 3);
        using (var l1 = (y1 * w).sum()) l1.backward();
        using (var l2 = (y2 * w).sum()) l2.backward();
        using var g1 = x1.grad!;
        using var g2 = x2.grad!;
        Assert.True(MaxAbsDiff(g1, g2) < 1e-6);
        Assert.Empty(plain.parameters());
    }

    [Theory, MemberData(nameof(All))]
    public void Empty_batch_gives_empty_output_and_leaves_statistics(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 3);
        using var x = torch.zeros([0, 3, 4, 4]);
        using var y = bn.forward(x);
        Assert.Equal(new long[] { 0, 3, 4, 4 }, y.shape);
        Assert.Equal(0, bn.num_batches_tracked);
        Assert.Equal(new float[] { 0, 0, 0 }, bn.running_mean!.data<float>().ToArray());
    }

    [Theory, MemberData(nameof(All))]
    public void One_value_per_channel_in_training_is_an_error_naming_the_layer(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 1);
        using var x = torch.ones([1, 3]);
        var e = Assert.Throws<LayerException>(() => bn.forward(x));
        Assert.Contains(bn.GetName(), e.Message);
        Assert.Contains("more than one value per channel", e.Message);
        // ... while eval mode at batch size 1 works (the TorchSharp eval-propagation bug this guards against).
        bn.eval();
        using var y = bn.forward(x);
        Assert.Equal(new long[] { 1, 3 }, y.shape);
        Assert.Equal(0, bn.num_batches_tracked);
    }

    [Theory, MemberData(nameof(All))]
    public void Wrong_rank_or_channels_or_statistics_size_are_errors_naming_the_layer(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 3, 3);
        using var rank2 = torch.ones([4, 3]);
        Assert.Contains(bn.GetName(), Assert.Throws<LayerException>(() => bn.forward(rank2)).Message);
        using var channels = torch.ones([4, 5, 2, 2]);
        Assert.Contains("expects 3 channels", Assert.Throws<LayerException>(() => bn.forward(channels)).Message);
        Assert.Contains("do not fit 3 channels", Assert.Throws<LayerException>(() => bn.LoadStatistics(new float[4], new float[3])).Message);
    }

    [Fact]
    public void A_native_layer_given_another_dtype_says_so_naming_the_layer()
    {
        using var bn = Layer(BnConvention.Torch, BnImplementation.Native, 3, 1);
        using var x = torch.ones([4, 3], ScalarType.Float64);
        var e = Assert.Throws<LayerException>(() => bn.forward(x));
        Assert.Equal($"layer {bn.GetName()}: native batch_norm needs a Float32 input like its parameters and statistics, got Float64 — convert the input with to_type(ScalarType.Float32)", e.Message);
    }

    [Fact]
    public void Cumulative_after_two_batches_holds_the_mean_of_the_two_batch_statistics()
    {
        foreach (var impl in new[] { BnImplementation.Native, BnImplementation.Scratch })
        {
            using var bn = Layer(BnConvention.Cumulative, impl, 2, 1);
            using var a = Input(7, [6, 2]);
            using var b = Input(8, [6, 2], scale: 1, offset: -2);
            bn.forward(a).Dispose();
            bn.forward(b).Dispose();
            using var ma = a.mean([0]);
            using var mb = b.mean([0]);
            using var va = a.var([0], unbiased: true);
            using var vb = b.var([0], unbiased: true);
            var expectedMean = ma.data<float>().ToArray().Zip(mb.data<float>().ToArray(), (x, y) => (x + y) / 2).ToArray();
            var expectedVar = va.data<float>().ToArray().Zip(vb.data<float>().ToArray(), (x, y) => (x + y) / 2).ToArray();
            var mean = bn.running_mean!.data<float>().ToArray();
            var var = bn.running_var!.data<float>().ToArray();
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(expectedMean[i], mean[i], 1e-5);
                Assert.Equal(expectedVar[i], var[i], 1e-5);
            }
        }
    }

    [Fact]
    public void Torch_and_keras_update_rules_and_variance_storage_follow_their_conventions()
    {
        using var x = Input(9, [10, 2]);
        using var mean = x.mean([0]);
        using var biased = x.var([0], unbiased: false);
        using var unbiased = x.var([0], unbiased: true);
        using var torchBn = Layer(BnConvention.Torch, BnImplementation.Native, 2, 1);
        using var kerasBn = Layer(BnConvention.Keras, BnImplementation.Native, 2, 1);
        torchBn.forward(x).Dispose();
        kerasBn.forward(x).Dispose();
        for (var i = 0; i < 2; i++)
        {
            // torch: r = 0.9·r + 0.1·batch, variance unbiased; keras: r = 0.99·r + 0.01·batch, variance biased.
            Assert.Equal(0.1f * mean.data<float>().ToArray()[i], torchBn.running_mean!.data<float>().ToArray()[i], 1e-6);
            Assert.Equal(0.9f + 0.1f * unbiased.data<float>().ToArray()[i], torchBn.running_var!.data<float>().ToArray()[i], 1e-5);
            Assert.Equal(0.01f * mean.data<float>().ToArray()[i], kerasBn.running_mean!.data<float>().ToArray()[i], 1e-6);
            Assert.Equal(0.99f + 0.01f * biased.data<float>().ToArray()[i], kerasBn.running_var!.data<float>().ToArray()[i], 1e-5);
        }
    }

    [Fact]
    public void Window_holds_the_mean_of_the_last_n_batch_statistics()
    {
        using var bn = Layer(BnConvention.Window, BnImplementation.Scratch, 1, 1, window: 3);
        var batches = Enumerable.Range(0, 5).Select(i => Input((ulong)(20 + i), [4, 1], scale: 1 + i, offset: i)).ToArray();
        foreach (var b in batches) bn.forward(b).Dispose();
        var lastThree = batches.Skip(2).ToArray();
        var expectedMean = lastThree.Average(b => { using var m = b.mean(); return m.item(); });
        var expectedVar = lastThree.Average(b => { using var v = b.var(); return v.item(); });
        Assert.Equal(expectedMean, bn.running_mean!.data<float>().ToArray()[0], 1e-5);
        Assert.Equal(expectedVar, bn.running_var!.data<float>().ToArray()[0], 1e-4);
        foreach (var b in batches) b.Dispose();
    }

    [Theory, MemberData(nameof(All))]
    public void Eval_normalises_with_the_running_statistics(BnConvention c, BnImplementation impl)
    {
        using var bn = Layer(c, impl, 2, 1);
        using (var warm = Input(30, [8, 2])) bn.forward(warm).Dispose();
        bn.eval();
        using var x = Input(31, [3, 2]);
        using var y = bn.forward(x);
        var rm = bn.running_mean!.data<float>().ToArray();
        var rv = bn.running_var!.data<float>().ToArray();
        var eps = bn.Spec.ResolvedEpsilon;
        var xs = x.data<float>().ToArray();
        var ys = y.data<float>().ToArray();
        for (var i = 0; i < xs.Length; i++)
            Assert.Equal((xs[i] - rm[i % 2]) / Math.Sqrt(rv[i % 2] + eps), ys[i], 1e-5);
    }
}
