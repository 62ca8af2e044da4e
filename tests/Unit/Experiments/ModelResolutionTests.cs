using NormLab.Core.Networks;
using NormLab.Core.Experiments;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Core.Helpers;
using static NormLab.Tests.Unit.Experiments.ExperimentKit;

namespace NormLab.Tests.Unit.Experiments;

public class ModelResolutionTests
{
    static FieldSetting F(string key, string value) => new(key, FieldValue.Of(value));

    static Validation<Problem, Network> Resolve(string preset, params LayerOverride[] overrides) =>
        ModelResolution.Resolve(new ModelSpec.Named(preset, overrides.ToSeq().Strict()), ModelCatalog.PresetsOnly, "model");

    [Fact]
    public void All_kind_override_patches_every_layer_of_the_kind_and_keeps_the_rest()
    {
        var net = Ok(Resolve("lenet5_bn_all",
            new LayerOverride("all:batch_norm", L<FieldSetting>(F("convention", "torch"), F("implementation", "scratch")))));
        var bns = net.Layers.Filter(l => l is BatchNorm).Map(l => (BatchNorm)l).ToSeq();
        Assert.Equal(5, bns.Count);
        Assert.All(bns, b => Assert.Equal(new BatchNorm(BnConvention.Torch, Implementation: BnImplementation.Scratch), b));
        Assert.Equal(Presets.Lenet5BnAll.Layers.Filter(l => l is not BatchNorm), net.Layers.Filter(l => l is not BatchNorm));
    }

    [Fact]
    public void A_name_override_patches_one_layer_by_its_generated_name()
    {
        var net = Ok(Resolve("mlp_300_100", new LayerOverride("dense_2", L<FieldSetting>(F("units", "50")))));
        Assert.Equal(new Dense(50, Init: new HeNormal()), net.Layers[3]);
        Assert.Equal(new Dense(300, Init: new HeNormal()), net.Layers[1]);
    }

    [Fact]
    public void Override_problems_name_the_selector_the_field_and_the_fix()
    {
        AssertProblems(new[]
        {
            "model.override.all:batchnorm: unknown layer type \"batchnorm\" — did you mean \"batch_norm\"? (known: conv2d, dense, batch_norm, activation, max_pool, avg_pool, flatten, dropout, layer_norm, group_norm, instance_norm, noise)",
            "model.override.all:batch_norm: network \"lenet5\" has no batch_norm layer (its layers: conv2d_1, activation_1, max_pool_1, conv2d_2, activation_2, max_pool_2, flatten_1, dense_1, activation_3, dense_2, activation_4, dense_3, activation_5)",
            "model.override.dense_1.unit: unknown key \"unit\" for dense — did you mean \"units\"?",
            "model.override.dense_1.useBias: expected true or false, got 'maybe'",
        }, Resolve("lenet5",
            new LayerOverride("all:batchnorm", L<FieldSetting>(F("convention", "torch"))),
            new LayerOverride("all:batch_norm", L<FieldSetting>(F("convention", "torch"))),
            new LayerOverride("dense_1", L<FieldSetting>(F("unit", "3"), F("useBias", "maybe")))));
    }

    [Fact]
    public void An_override_that_breaks_the_network_is_reported_at_the_layer()
    {
        AssertProblems(new[] { "model.layers[9].units: must be > 0 (got -3)" },
            Resolve("lenet5", new LayerOverride("dense_2", L<FieldSetting>(F("units", "-3")))));
    }
}
