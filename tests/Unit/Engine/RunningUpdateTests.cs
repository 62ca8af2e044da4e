using NormLab.Core.Networks;
using NormLab.Tests.Unit.Torch;
using NormLab.Torch;
using Xunit;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Engine;

/// <summary>
/// The native BN path updates Keras-convention running statistics in one fused shim call (statistics kernel + rule;
/// torch and cumulative are updated by libtorch's batch_norm itself). It must give bit for bit what the rule gives when
/// written out with tensor ops from the same statistics kernel — what the path did before it was fused.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class RunningUpdateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_fused_keras_update_equals_the_rule_written_with_tensor_ops_bit_for_bit(int sampleRank)
    {
        const long channels = 6;
        using var layer = BnTestKit.Layer(BnConvention.Keras, BnImplementation.Native, channels, sampleRank);
        using var mean = torch.zeros([channels]);
        using var var = torch.ones([channels]);
        var momentum = layer.Spec.ResolvedMomentum;
        for (var step = 1; step <= 5; step++)
        {
            long[] shape = sampleRank == 1 ? [16, channels] : [8, channels, 5, 5];
            using var x = BnTestKit.Input((ulong)(100 + step), shape, scale: 2 + step, offset: step);
            using (var _ = layer.forward(x)) { }

            var (bm, bv) = F.batch_norm_stats(x);
            using (bm)
            using (bv)
            {
                // keras-style: r ← m·r + (1−m)·batch, biased variance.
                mean.mul_(momentum).add_(bm, 1 - momentum);
                var.mul_(momentum).add_(bv, 1 - momentum);
            }
            Assert.Equal(Bits(mean), Bits(layer.running_mean!));
            Assert.Equal(Bits(var), Bits(layer.running_var!));
        }
        Assert.Equal(5, layer.num_batches_tracked);
    }

    private static int[] Bits(Tensor t) => t.data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
}
