using NormLab.Engine.Normalization;
using NormLab.Tests.Properties.Infrastructure;
using static NormLab.Tests.Properties.Family.FamilyChecks;
using static NormLab.Tests.Properties.Infrastructure.ErrorModel;

namespace NormLab.Tests.Properties.Family;

/// <summary>What the group-norm properties need of a group norm: forward and its per-channel γ, β.</summary>
public interface IGroupNormUnderTest : IDisposable
{
    Tensor Forward(Tensor x);
    void SetAffine(double[] gamma, double[] beta);
}

public delegate IGroupNormUnderTest GroupNormFactory(GroupNorm spec, long channels);

/// <summary>NormLab's <see cref="GroupNormLayer"/> (libtorch's group_norm), the layer a network compiles to.</summary>
public sealed class RealGroupNorm(GroupNormLayer layer) : IGroupNormUnderTest
{
    public static readonly GroupNormFactory Factory = (spec, channels) =>
        new RealGroupNorm(new GroupNormLayer(spec.Groups, channels, spec.Epsilon, spec.Affine, "gn_under_test"));

    public Tensor Forward(Tensor x) => layer.forward(x);
    public void SetAffine(double[] gamma, double[] beta) { SetVector(layer.weight!, gamma); SetVector(layer.bias!, beta); }
    public void Dispose() => layer.Dispose();
}

public enum GroupNormMutation
{
    None,
    /// <summary>Normalises with the unbiased (n−1) group variance.</summary>
    UnbiasedVariance,
    /// <summary>Applies γ and β per group (the group's first channel's) instead of per channel.</summary>
    AffinePerGroup,
}

/// <summary>A group norm composed from tensor ops, written from Wu &amp; He's definition, with one mutation switched in.</summary>
public sealed class MutantGroupNorm(GroupNorm spec, long channels, GroupNormMutation mutation) : IGroupNormUnderTest
{
    public static GroupNormFactory Factory(GroupNormMutation m) => (spec, channels) => new MutantGroupNorm(spec, channels, m);

    private double[] gamma = Enumerable.Repeat(1.0, (int)channels).ToArray();
    private double[] beta = new double[channels];

    public void SetAffine(double[] g, double[] b) { gamma = g; beta = b; }

    public Tensor Forward(Tensor x)
    {
        var shape = x.shape;
        var g = spec.Groups;
        var grouped = x.reshape(shape[0], g, -1);
        var mean = grouped.mean([2], keepdim: true);
        var centred = grouped - mean;
        var n = grouped.shape[2];
        var v = (centred * centred).sum([2], keepdim: true) / (mutation == GroupNormMutation.UnbiasedVariance ? n - 1 : n);
        var xhat = (centred * (v + spec.Epsilon).rsqrt()).reshape(shape);
        if (!spec.Affine) return xhat;
        var per = channels / g;
        double[] Pick(double[] a) => mutation == GroupNormMutation.AffinePerGroup
            ? Enumerable.Range(0, (int)channels).Select(c => a[c / per * per]).ToArray()
            : a;
        long[] b = shape.Length == 2 ? [1, channels] : [1, channels, 1, 1];
        using var gt = torch.tensor(Pick(gamma).Select(d => (float)d).ToArray(), b);
        using var bt = torch.tensor(Pick(beta).Select(d => (float)d).ToArray(), b);
        return xhat * gt + bt;
    }

    public void Dispose() { }
}

/// <summary>
/// Group norm against its two limits (Wu &amp; He 2018, §3.1): one group is layer norm over (C, H, W) followed by a
/// per-channel affine; C groups is instance norm. Float32 against NormLab's LayerNormLayer and InstanceNormLayer.
/// Tolerance: each side's x̂ is within e = <see cref="ErrorModel.Normalised"/> (n = values per group, M and D of the
/// group) of the exact value, so they differ by ≤ 2e, times |γ|, plus 2u·(|γ·x̂| + |β|) for the multiply-add.
/// </summary>
public static class GroupNormProperties
{
    static readonly double U32 = U(Precision.Float32);

    public static PropertyDef<NormCase> G1_OneGroupIsLayerNormPlusChannelAffine(GroupNormFactory make, int maxTest = 200) => new(
        "G1 group_norm groups=1 equals layer_norm over (C, H, W) followed by a per-channel affine",
        NormCase.Cases(allowFlat: true),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var eps = 1e-5;
            var x = c.Values();
            var sampleShape = c.Shape.Skip(1).ToArray();
            using var gn = make(new GroupNorm(1, eps), c.C);
            gn.SetAffine(c.Gamma, c.Beta);
            using var ln = new LayerNormLayer(sampleShape, eps, affine: false, "ln_reference");
            var y = TensorData.Doubles(gn.Forward(F32(x, c.Shape)));
            var xhat = TensorData.Doubles(ln.forward(F32(x, c.Shape)));
            var (_, v, max, n) = GroupStats(x, c.Shape, 1);
            for (var i = 0; i < y.Length; i++)
            {
                var (s, ch) = ((int)(i / (c.C * c.Spatial)), c.ChannelOf(i));
                var e = Normalised(U32, n, max[s], Math.Sqrt(v[s] + eps));
                var expected = c.Gamma[ch] * xhat[i] + c.Beta[ch];
                Near(y[i], expected, Math.Abs(c.Gamma[ch]) * 2 * e + 2 * U32 * (Math.Abs(c.Gamma[ch] * xhat[i]) + Math.Abs(c.Beta[ch])),
                    $"y[{i}] (sample {s}, channel {ch}) vs γ·layer_norm(x) + β");
            }
        },
        maxTest);

    public static PropertyDef<NormCase> G2_ChannelGroupsAreInstanceNorm(GroupNormFactory make, int maxTest = 200) => new(
        "G2 group_norm groups=C equals instance_norm (affine)",
        NormCase.Cases(allowFlat: false, minSpatial: 2),
        c =>
        {
            if (c.Spatial < 2) return;   // instance norm needs more than one value per sample and channel
            using var scope = torch.NewDisposeScope();
            var eps = 1e-5;
            var x = c.Values();
            using var gn = make(new GroupNorm(c.C, eps), c.C);
            gn.SetAffine(c.Gamma, c.Beta);
            using var inorm = new InstanceNormLayer(new InstanceNorm(eps, Affine: true), c.C, "in_reference");
            SetVector(inorm.weight!, c.Gamma);
            SetVector(inorm.bias!, c.Beta);
            var y = TensorData.Doubles(gn.Forward(F32(x, c.Shape)));
            var yi = TensorData.Doubles(inorm.forward(F32(x, c.Shape)));
            var (_, v, max, n) = GroupStats(x, c.Shape, c.C);
            for (var i = 0; i < y.Length; i++)
            {
                var k = (int)(i / c.Spatial);
                var ch = c.ChannelOf(i);
                var e = Normalised(U32, n, max[k], Math.Sqrt(v[k] + eps));
                Near(y[i], yi[i], Math.Abs(c.Gamma[ch]) * 2 * e + 4 * U32 * (Math.Abs(yi[i]) + Math.Abs(c.Beta[ch])),
                    $"y[{i}] (sample {k / c.C}, channel {ch}) vs instance_norm");
            }
        },
        maxTest);
}
