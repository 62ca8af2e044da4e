using NormLab.Tests.Unit.Torch;
using NormLab.Core.Networks;
using NormLab.Engine.Normalization;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NormLab.Tests.Unit.Engine;

/// <summary>Small helpers shared by the BN tests: build layers, make seeded inputs, compare tensors.</summary>
internal static class BnTestKit
{
    public static readonly BnConvention[] Conventions = [BnConvention.Torch, BnConvention.Keras, BnConvention.Cumulative, BnConvention.Window];

    public static BatchNormLayer Layer(BnConvention convention, BnImplementation impl, long channels, int sampleRank,
        bool affine = true, bool track = true, double? eps = null, int window = 3) =>
        new(new BatchNorm(convention, Epsilon: eps, Affine: affine, TrackRunningStats: track, Implementation: impl, Window: window),
            channels, sampleRank, $"bn_{convention}_{impl}".ToLowerInvariant());

    /// <summary>Seeded input with a per-channel offset and scale, so every channel has its own statistics.</summary>
    public static Tensor Input(ulong seed, long[] shape, double scale = 3, double offset = 5, ScalarType dtype = ScalarType.Float32)
    {
        torch.manual_seed((long)seed);
        using var noise = torch.randn(shape, dtype);
        return (noise * scale + offset).DetachFromDisposeScope();
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a - b).abs();
        return d.numel() == 0 ? 0 : d.max().item();
    }

    /// <summary>max |a−b| / max(1, |b|): the float32 comparison for values far from 1 (running variances of scaled data).</summary>
    public static double MaxRelDiff(Tensor a, Tensor b)
    {
        var x = Floats(a);
        var y = Floats(b);
        return x.Zip(y, (u, v) => Math.Abs(u - v) / Math.Max(1, Math.Abs(v))).DefaultIfEmpty(0).Max();
    }

    public static float[] Floats(Tensor t) => t.dtype == ScalarType.Float32 ? t.data<float>().ToArray() : t.to_type(ScalarType.Float32).data<float>().ToArray();
}
