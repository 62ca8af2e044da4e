using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class PresetTests
{
    [Fact]
    public void All_presets_are_valid_and_found_by_name()
    {
        Assert.Equal(new[]
        {
            "lenet", "lenet_bn1", "lenet_bn2", "lenet_fc_bn1", "lenet_fc_bn2", "lenet5", "lenet5_bn_all",
            "mlp_300_100", "mlp_300_100_bn", "mlp_300_100_bn_after", "mlp_300_100_bn_before", "ioffe_mlp", "ioffe_mlp_bn",
        }, Presets.Names.ToArray());
        foreach (var name in Presets.Names)
        {
            var net = Presets.Find(name).IfNone(() => throw new Xunit.Sdk.XunitException(name));
            Assert.Equal(name, net.Name);
            Assert.Equal(net, Ok(NetworkValidation.Validate(net, $"models.{name}")));
        }
        Assert.True(Presets.Find("LeNet").IsNone);
    }

    [Fact]
    public void Presets_are_records_equal_by_value()
    {
        Assert.Equal(Presets.Mlp300100Bn, Presets.Find("mlp_300_100_bn").IfNone(() => throw new Xunit.Sdk.XunitException("missing")));
        Assert.NotEqual(Presets.Mlp300100Bn, Presets.Mlp300100BnAfter with { Name = "mlp_300_100_bn" });
    }

    [Fact]
    public void Mlp_300_100_uses_keras_leaky_relu_slope_and_he_normal()
    {
        var layers = Presets.Mlp300100.Layers;
        Assert.Equal(new Dense(300, Init: new HeNormal()), layers[1]);
        Assert.Equal(0.3, Assert.IsType<Activation>(layers[2]).ResolvedAlpha);
        Assert.Equal(new Dense(10), layers[5]);
        Assert.Equal(new Dense(300, UseBias: false, Init: new HeNormal()), Presets.Mlp300100BnBefore.Layers[1]);
        Assert.All(Presets.Mlp300100Bn.Layers.Filter(l => l is BatchNorm),
            l => Assert.Equal(BnConvention.Keras, ((BatchNorm)l).Convention));
    }

    [Fact]
    public void Ioffe_presets_name_the_input_of_the_last_hidden_sigmoid()
    {
        var plain = Presets.IoffeMlpPlain;
        var bn = Presets.IoffeMlpBn;
        var iPlain = LayerNames.Find(plain, "hidden3").IfNone(-1);
        var iBn = LayerNames.Find(bn, "hidden3").IfNone(-1);
        Assert.Equal(new Dense(100, Init: new Normal(0, 0.05), Name: "hidden3"), plain.Layers[iPlain]);
        Assert.Equal(new BatchNorm(BnConvention.Torch, Name: "hidden3"), bn.Layers[iBn]);
        Assert.Equal(new Activation(ActivationKind.Sigmoid, Name: "hidden3_sigmoid"), plain.Layers[iPlain + 1]);
        Assert.Equal(new Activation(ActivationKind.Sigmoid, Name: "hidden3_sigmoid"), bn.Layers[iBn + 1]);
        Assert.Equal(3, bn.Layers.Count(l => l is BatchNorm));
        Assert.Equal(3, plain.Layers.Count(l => l is Dense { Units: 100, Init: Normal { Mean: 0, Std: 0.05 } }));
        Assert.Equal(Shape(100), Infer(bn).Layers[iBn].Output);
    }
}
