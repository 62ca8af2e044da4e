using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class LayerRecordTests
{
    [Fact]
    public void Batch_norm_resolves_the_defaults_of_its_convention()
    {
        Assert.Equal((0.1, 1e-5), (new BatchNorm().ResolvedMomentum, new BatchNorm().ResolvedEpsilon));
        Assert.Equal((0.99, 1e-3), (new BatchNorm(BnConvention.Keras).ResolvedMomentum, new BatchNorm(BnConvention.Keras).ResolvedEpsilon));
        Assert.True(double.IsNaN(new BatchNorm(BnConvention.Cumulative).ResolvedMomentum));
        Assert.Equal(1e-5, new BatchNorm(BnConvention.Cumulative).ResolvedEpsilon);
        Assert.Equal((5, 1e-5), (new BatchNorm(BnConvention.Window).Window, new BatchNorm(BnConvention.Window).ResolvedEpsilon));
        Assert.Equal((0.3, 1e-8), (new BatchNorm(Momentum: 0.3, Epsilon: 1e-8).ResolvedMomentum, new BatchNorm(Momentum: 0.3, Epsilon: 1e-8).ResolvedEpsilon));
        Assert.Equal("cumulative", new BatchNorm(BnConvention.Cumulative).ConventionName);
    }

    [Fact]
    public void Leaky_relu_defaults_to_torch_slope_and_other_activations_have_none()
    {
        Assert.Equal(0.01, new Activation(ActivationKind.LeakyRelu).ResolvedAlpha);
        Assert.Equal(0.3, new Activation(ActivationKind.LeakyRelu, 0.3).ResolvedAlpha);
        Assert.Equal(0, new Activation(ActivationKind.Relu).ResolvedAlpha);
        Assert.Equal("leaky_relu", new Activation(ActivationKind.LeakyRelu).KindText);
    }

    [Fact]
    public void Padding_and_pool_stride_resolve_their_defaults()
    {
        Assert.Equal(new Padding.Valid(), new Conv2D(6, 5).ResolvedPadding);
        Assert.Equal(2, new Conv2D(6, 5, Padding: new Padding.Same()).PadAmount);
        Assert.Equal(3, new Conv2D(6, 7, Padding: new Padding.Same()).PadAmount);
        Assert.Equal(1, new Conv2D(6, 5, Padding: new Padding.Explicit(1)).PadAmount);
        Assert.Equal(0, new Conv2D(6, 5).PadAmount);
        Assert.Equal(2, new MaxPool(2).ResolvedStride);
        Assert.Equal(1, new AvgPool(3, 1).ResolvedStride);
        Assert.Equal(Shape(16, 6, 5, 5), new Conv2D(16, 5).WeightShape(6));
        Assert.Equal(Shape(120, 400), new Dense(120).WeightShape(400));
    }

    [Fact]
    public void Generated_names_count_per_kind_from_one()
    {
        Assert.Equal(new[]
        {
            "conv2d_1", "batch_norm_1", "activation_1", "max_pool_1", "conv2d_2", "batch_norm_2", "activation_2", "max_pool_2",
            "flatten_1", "dense_1", "batch_norm_3", "activation_3", "dense_2", "batch_norm_4", "activation_4", "dense_3",
            "batch_norm_5", "activation_5",
        }, LayerNames.All(Presets.Lenet5BnAll).ToArray());

        var named = new Network("n", Shape(784), Layers(new Dense(10, Name: "first"), new Dense(10), new LayerNorm(), new Dropout(0.5)));
        Assert.Equal(new[] { "first", "dense_2", "layer_norm_1", "dropout_1" }, LayerNames.All(named).ToArray());
        Assert.Equal("dense_1", LayerNames.Generated(named.Layers, 0));
        Assert.Equal(LanguageExt.Prelude.Some(1), LayerNames.Find(named, "dense_2"));
        Assert.True(LayerNames.Find(named, "dense_1").IsNone);
    }

    [Fact]
    public void Problem_prints_as_path_colon_message()
    {
        Assert.Equal("layers[4].units: must be > 0 (got -3)", new Problem("layers[4].units", "must be > 0 (got -3)").ToString());
        Assert.Equal("a.b", ProblemPath.Join("a", "b"));
        Assert.Equal("b", ProblemPath.Join("", "b"));
        Assert.Equal("layers[4]", ProblemPath.Index("layers", 4));
    }
}
