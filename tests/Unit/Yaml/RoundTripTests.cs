using NormLab.Core.Networks;
using static LanguageExt.Prelude;
using NormLab.Core.Experiments;
using NormLab.Host.Yaml;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

public class RoundTripTests
{
    public static IEnumerable<object[]> PresetNames => Presets.Names.Map(n => new object[] { n });

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_network_reads_back_equal_to_itself(string name)
    {
        var network = Presets.Find(name).IfNone(() => throw new InvalidOperationException(name));
        var text = YamlDocuments.WriteNetwork(network);
        Assert.Equal(network, Ok(YamlDocuments.ReadNetwork(text)));
    }

    [Fact]
    public void A_network_is_written_with_flow_layers_and_the_bn_convention_spelled_out()
    {
        var text = YamlDocuments.WriteNetwork(Presets.Mlp300100BnBefore);
        Assert.Equal(Lines(
            "name: mlp_300_100_bn_before",
            "inputShape: [1, 28, 28]",
            "layers:",
            "- flatten: {}",
            "- dense: {units: 300, useBias: false, init: he_normal}",
            "- batch_norm: {convention: keras, affine: true, trackRunningStats: true, implementation: native, window: 5}",
            "- activation: relu",
            "- dense: {units: 100, useBias: false, init: he_normal}",
            "- batch_norm: {convention: keras, affine: true, trackRunningStats: true, implementation: native, window: 5}",
            "- activation: relu",
            "- dense: {units: 10, useBias: true}",
            "- activation: softmax"), text);
    }

    [Fact]
    public void Every_field_of_every_layer_kind_survives_a_round_trip()
    {
        var network = new Network("all_kinds", Seq(1, 28, 28), Seq<Layer>(
            new Conv2D(4, 3, 1, new Padding.Explicit(1), false, new Uniform(-0.1, 0.2), "c1"),
            new BatchNorm(BnConvention.Torch, 0.2, 1e-4, false, false, BnImplementation.Scratch, 7, "bn"),
            new Activation(ActivationKind.LeakyRelu, 0.3, "act"),
            new AvgPool(2, 1, "avg"),
            new MaxPool(3),
            new Conv2D(2, 3, 2, new Padding.Valid(), Init: new TorchDefault()),
            new LayerNorm(1e-6, false, "ln"),
            new Flatten("flat"),
            new Dropout(0.25, "drop"),
            new Dense(10, Init: new Normal(0.5, 1e-3)),
            new Activation(ActivationKind.Softmax)));
        Assert.Equal(network, Ok(YamlDocuments.ReadNetwork(YamlDocuments.WriteNetwork(network))));
    }
}
