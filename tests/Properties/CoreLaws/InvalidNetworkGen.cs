using LanguageExt;
using Dropout = NormLab.Core.Networks.Dropout;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>A network with one injected mistake and the path validation must name for it.</summary>
public sealed record InvalidNetwork(Network Network, string Defect, string ExpectedPath)
{
    public override string ToString() => $"{Defect} (expects a problem at {ExpectedPath}): {NetworkText.Describe(Network)}";
}

/// <summary>
/// Invalid networks: a valid generated network with one mistake injected at a random place — a field out of range
/// (negative units, zero filters, dropout rate ≥ 1, ε ≤ 0 or NaN, momentum outside [0, 1] or on a convention without
/// one, alpha on relu, a bad name), a shape mistake (kernel or pool bigger than the input, dense or softmax before the
/// flatten, conv or pool on a flat input, padding same with stride 2 or an even kernel), or a network-level one
/// (a non-positive or a fourth input axis, an empty name, two layers with one name).
/// </summary>
public static class InvalidNetworkGen
{
    static Gen<(Layer Layer, string Defect, string Field)> AnyShape =>
        Gen.OneOf(
            Gen.Choose(-5, 0).Select(u => ((Layer)new Dense(u), "non-positive units", ".units")),
            Gen.Elements(-0.5, 1.0, 2.0, double.NaN).Select(r => ((Layer)new Dropout(r), "dropout rate outside [0, 1)", ".rate")),
            Gen.Elements(0.0, -1e-5, double.NaN, double.PositiveInfinity).Select(e => ((Layer)new NormLab.Core.Networks.BatchNorm(Epsilon: e), "batch_norm epsilon not > 0", ".epsilon")),
            Gen.Elements(BnConvention.Cumulative, BnConvention.Window).Select(c => ((Layer)new NormLab.Core.Networks.BatchNorm(c, Momentum: 0.1), "momentum on a convention without one", ".momentum")),
            Gen.Elements(-0.1, 1.5, double.NaN).Select(m => ((Layer)new NormLab.Core.Networks.BatchNorm(BnConvention.Torch, Momentum: m), "momentum outside [0, 1]", ".momentum")),
            Gen.Elements(-1.0, 0.0).Select(e => ((Layer)new LayerNorm(e), "layer_norm epsilon not > 0", ".epsilon")),
            Gen.Elements("has space", "semi;colon", "").Select(n => ((Layer)new Activation(ActivationKind.Relu, Name: n), "bad layer name", ".name")),
            Gen.Constant(((Layer)new Activation(ActivationKind.Tanh, Alpha: 0.2), "alpha on a non-leaky activation", ".alpha")),
            Gen.Constant(((Layer)new Activation(ActivationKind.LeakyRelu, Alpha: -1), "negative leaky_relu alpha", ".alpha")),
            Gen.Constant(((Layer)new Conv2D(0, 1), "zero filters", ".filters")),
            Gen.Elements(0.5, 0.0, double.NaN).Select(r => ((Layer)new NormLab.Core.Networks.BatchNorm(Renorm: new BatchRenorm(r)), "renorm rMax < 1", ".renorm.rMax")),
            Gen.Elements(-1.0, -1e-3).Select(d => ((Layer)new NormLab.Core.Networks.BatchNorm(Renorm: new BatchRenorm(DMax: d)), "renorm dMax < 0", ".renorm.dMax")),
            Gen.Choose(-2, 0).Select(v => ((Layer)new NormLab.Core.Networks.BatchNorm(VirtualBatchSize: v), "non-positive virtualBatchSize", ".virtualBatchSize")));

    static Gen<(Layer Layer, string Defect, string Field)> ForImage(int[] s) =>
        Gen.OneOf(
            Gen.Constant(((Layer)new Conv2D(2, Math.Max(s[1], s[2]) + 1), "kernel bigger than the input", "")),
            Gen.Elements(false, true).Select(max => (max ? (Layer)new MaxPool(Math.Min(s[1], s[2]) + 1) : new AvgPool(Math.Min(s[1], s[2]) + 1), "pool bigger than the input", "")),
            Gen.Choose(1, 5).Select(u => ((Layer)new Dense(u), "dense before flatten on a rank-3 input", "")),
            Gen.Constant(((Layer)new Activation(ActivationKind.Softmax), "softmax on a rank-3 input", "")),
            Gen.Constant(((Layer)new Conv2D(2, 3, 2, new Padding.Same()), "padding same with stride 2", ".padding")),
            Gen.Constant(((Layer)new Conv2D(2, 2, 1, new Padding.Same()), "padding same with an even kernel", ".padding")),
            Gen.Constant(((Layer)new Conv2D(2, 1, 1, new Padding.Explicit(-1)), "negative padding", ".padding")),
            Gen.Constant(((Layer)new GroupNorm(s[0] + 1), "groups not dividing the channels", ".groups")));

    static Gen<(Layer Layer, string Defect, string Field)> ForFlat =>
        Gen.OneOf(
            Gen.Constant(((Layer)new Conv2D(2, 1), "conv2d on a flat input", "")),
            Gen.Elements(false, true).Select(max => (max ? (Layer)new MaxPool(1) : new AvgPool(1), "pooling on a flat input", "")),
            Gen.Constant(((Layer)new InstanceNorm(), "instance_norm on a flat input", "")));

    static Gen<InvalidNetwork> Injected =>
        from g in NetworkGen.Valid()
        from at in Gen.Choose(0, g.Network.Layers.Count)
        let shape = g.Shapes[at]
        from d in Gen.Frequency((1, AnyShape), (1, shape.Length == 3 ? ForImage(shape) : ForFlat))
        let layers = g.Network.Layers.Take(at).Append(d.Layer).Concat(g.Network.Layers.Skip(at)).ToSeq()
        select new InvalidNetwork(g.Network with { Layers = layers }, d.Defect, $"layers[{at}]{d.Field}");

    static Gen<InvalidNetwork> NetworkLevel =>
        from g in NetworkGen.Valid()
        from kind in Gen.Choose(0, 3)
        from axis in Gen.Choose(0, g.Network.InputShape.Count - 1)
        from bad in Gen.Choose(-3, 0)
        select kind switch
        {
            0 => new InvalidNetwork(g.Network with { InputShape = g.Network.InputShape.Select((d, j) => j == axis ? bad : d).ToSeq() },
                "non-positive input axis", $"inputShape[{axis}]"),
            1 => new InvalidNetwork(g.Network with { InputShape = g.Network.InputShape.Add(2).Add(2).Add(2) },
                "more than 3 input axes", "inputShape"),
            2 => new InvalidNetwork(g.Network with { Name = " " }, "empty network name", "name"),
            _ => new InvalidNetwork(g.Network with { Layers = g.Network.Layers.Add(new Activation(ActivationKind.Identity, Name: "twin")).Add(new Activation(ActivationKind.Identity, Name: "twin")) },
                "two layers with one name", $"layers[{g.Network.Layers.Count + 1}].name"),
        };

    public static Gen<InvalidNetwork> Invalid => Gen.Frequency((4, Injected), (1, NetworkLevel));

    /// <summary>Shrinks by removing layers other than the injected one, so the defect (and its path) stays.</summary>
    public static IEnumerable<InvalidNetwork> Shrink(InvalidNetwork n)
    {
        if (!n.ExpectedPath.StartsWith("layers[", StringComparison.Ordinal)) yield break;
        var end = n.ExpectedPath.IndexOf(']');
        var at = int.Parse(n.ExpectedPath[7..end], System.Globalization.CultureInfo.InvariantCulture);
        var rest = n.ExpectedPath[(end + 1)..];
        for (var i = n.Network.Layers.Count - 1; i >= 0; i--)
        {
            // Layers before the defect may go only when the defect is a field's (shape-independent): removing them could
            // otherwise make a shape mistake fit (and the shrunk network valid).
            if (i == at || n.Defect == "two layers with one name" || (i < at && rest.Length == 0)) continue;
            var shifted = i < at ? at - 1 : at;
            yield return n with
            {
                Network = n.Network with { Layers = n.Network.Layers.Where((_, j) => j != i).ToSeq() },
                ExpectedPath = $"layers[{shifted}]{rest}",
            };
        }
    }

    public static Arbitrary<InvalidNetwork> Networks => Arb.From(Invalid, Shrink);
}
