using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class ShapeInferenceTests
{
    static Seq<Seq<int>> Outputs(NetworkShape s) => s.Layers.Map(l => l.Output).Strict();

    // Per-layer counts of the MLP 784-300-100-10 (Keras summary in seed 001):
    // dense 784·300+300 = 235,500; dense 300·100+100 = 30,100; dense 100·10+10 = 1,010; total 266,610.
    [Fact]
    public void Mlp_300_100_has_keras_parameter_count()
    {
        var s = Infer(Presets.Mlp300100);
        Assert.Equal(new long[] { 0, 235_500, 0, 30_100, 0, 1_010, 0 }, s.Layers.Map(l => l.TotalParams).ToArray());
        Assert.Equal(266_610, s.TotalParams);
        Assert.Equal(266_610, s.TrainableParams);
        Assert.Equal(0, s.NonTrainableParams);
        Assert.Equal(Shape(10), s.Output);
    }

    // Seed 001 "after BN": BN(784) 4·784 = 3,136; BN(300) 1,200; BN(100) 400 — half of each non-trainable (running
    // mean/var): 1,568 + 600 + 200 = 2,368. Total 266,610 + 4,736 = 271,346.
    [Fact]
    public void Mlp_300_100_with_bn_has_keras_parameter_counts()
    {
        foreach (var net in new[] { Presets.Mlp300100Bn, Presets.Mlp300100BnAfter })
        {
            var s = Infer(net);
            Assert.Equal(new long[] { 0, 3_136, 235_500, 0, 1_200, 30_100, 0, 400, 1_010, 0 }, s.Layers.Map(l => l.TotalParams).ToArray());
            Assert.Equal(271_346, s.TotalParams);
            Assert.Equal(268_978, s.TrainableParams);
            Assert.Equal(2_368, s.NonTrainableParams);
        }
    }

    // Seed 002 second model: dense without bias 784·300 = 235,200 and 300·100 = 30,000; BN(300) 1,200, BN(100) 400;
    // output 1,010. Total 267,810; non-trainable 600 + 200 = 800.
    [Fact]
    public void Mlp_with_bn_before_activation_drops_the_dense_biases()
    {
        var s = Infer(Presets.Mlp300100BnBefore);
        Assert.Equal(267_810, s.TotalParams);
        Assert.Equal(800, s.NonTrainableParams);
    }

    // LeNet-5 by hand: conv1 6·1·5·5+6 = 156; conv2 16·6·5·5+16 = 2,416; dense 400·120+120 = 48,120;
    // dense 120·84+84 = 10,164; dense 84·10+10 = 850 → 61,706 (torch.nn agrees: sum of numel of the same Sequential).
    // BN adds 2 trainable + 2 non-trainable per channel: 6 → 24, 16 → 64, 120 → 480, 84 → 336, 10 → 40.
    [Theory]
    [InlineData("lenet", 61_706, 0)]
    [InlineData("lenet5", 61_706, 0)]
    [InlineData("lenet_bn1", 61_730, 12)]
    [InlineData("lenet_bn2", 61_794, 44)]
    [InlineData("lenet_fc_bn1", 62_274, 284)]
    [InlineData("lenet_fc_bn2", 62_610, 452)]
    [InlineData("lenet5_bn_all", 62_650, 472)]
    [InlineData("mlp_300_100", 266_610, 0)]
    [InlineData("mlp_300_100_bn", 271_346, 2_368)]
    [InlineData("mlp_300_100_bn_after", 271_346, 2_368)]
    [InlineData("mlp_300_100_bn_before", 267_810, 800)]
    // Ioffe MLP: 784·100+100 = 78,500; 2 × (100·100+100) = 20,200; 100·10+10 = 1,010 → 99,710; BN adds 3 × 400.
    [InlineData("ioffe_mlp", 99_710, 0)]
    [InlineData("ioffe_mlp_bn", 100_910, 600)]
    public void Every_preset_has_its_hand_computed_parameter_count(string name, long total, long nonTrainable)
    {
        var s = Infer(Presets.Find(name).IfNone(() => throw new Xunit.Sdk.XunitException($"no preset {name}")));
        Assert.Equal(total, s.TotalParams);
        Assert.Equal(nonTrainable, s.NonTrainableParams);
        Assert.Equal(Shape(10), s.Output);
        Assert.Equal(s.Network.Layers.Count, s.Layers.Count);
    }

    [Fact]
    public void Lenet_bn_all_shapes_follow_the_conv_and_pool_rules()
    {
        var s = Infer(Presets.Lenet5BnAll);
        Assert.Equal(Layers(
                new Conv2D(6, 5, Padding: new Padding.Same()), new BatchNorm(BnConvention.Keras), new Activation(ActivationKind.Relu),
                new MaxPool(2), new Conv2D(16, 5), new BatchNorm(BnConvention.Keras), new Activation(ActivationKind.Relu),
                new MaxPool(2), new Flatten(),
                new Dense(120), new BatchNorm(BnConvention.Keras), new Activation(ActivationKind.Relu),
                new Dense(84), new BatchNorm(BnConvention.Keras), new Activation(ActivationKind.Relu),
                new Dense(10), new BatchNorm(BnConvention.Keras), new Activation(ActivationKind.Softmax)),
            Presets.Lenet5BnAll.Layers);
        Assert.Equal(new[]
        {
            Shape(6, 28, 28), Shape(6, 28, 28), Shape(6, 28, 28), Shape(6, 14, 14),
            Shape(16, 10, 10), Shape(16, 10, 10), Shape(16, 10, 10), Shape(16, 5, 5), Shape(400),
            Shape(120), Shape(120), Shape(120), Shape(84), Shape(84), Shape(84), Shape(10), Shape(10), Shape(10),
        }, Outputs(s).ToArray());
        Assert.Equal(Shape(1, 28, 28), s.Layers[0].Input);
        Assert.Equal(Shape(16, 5, 5), s.Layers[8].Input);
        Assert.Equal(new long[] { 12, 32, 240, 168, 20 }, s.Layers.Filter(l => l.Layer is BatchNorm).Map(l => l.TrainableParams).ToArray());
    }

    [Fact]
    public void Lenet_study_presets_put_scratch_window_bn_before_the_relu_of_each_step()
    {
        static string Kinds(Network n) => string.Join(" ", n.Layers.Map(l => l switch
        {
            Conv2D => "C", Dense => "D", BatchNorm => "B", Activation a => a.KindText[..1], MaxPool => "P", Flatten => "F", _ => "?",
        }));
        Assert.Equal("C r P C r P F D r D r D s", Kinds(Presets.Lenet));
        Assert.Equal("C B r P C r P F D r D r D s", Kinds(Presets.LenetBn1));
        Assert.Equal("C B r P C B r P F D r D r D s", Kinds(Presets.LenetBn2));
        Assert.Equal("C B r P C B r P F D B r D r D s", Kinds(Presets.LenetFcBn1));
        Assert.Equal("C B r P C B r P F D B r D B r D s", Kinds(Presets.LenetFcBn2));
        var bn = Presets.LenetFcBn2.Layers.Filter(l => l is BatchNorm).Distinct().ToArray();
        Assert.Equal(new[] { new BatchNorm(BnConvention.Window, Epsilon: 1e-8, Implementation: BnImplementation.Scratch, Window: 5) }, bn);
    }

    [Fact]
    public void Strides_and_explicit_padding_use_floor_division()
    {
        var net = new Network("n", Shape(3, 32, 31), Layers(
            new Conv2D(8, 3, Stride: 2, Padding: new Padding.Explicit(1), UseBias: false), // ⌊(32+2−3)/2⌋+1 = 16, ⌊(31+2−3)/2⌋+1 = 16
            new MaxPool(3, Stride: 2),                                                      // ⌊(16−3)/2⌋+1 = 7
            new AvgPool(2, Stride: 1),                                                      // 6
            new Conv2D(4, 3, Padding: new Padding.Same())));                                // 6
        var s = Infer(net);
        Assert.Equal(new[] { Shape(8, 16, 16), Shape(8, 7, 7), Shape(8, 6, 6), Shape(4, 6, 6) }, Outputs(s).ToArray());
        Assert.Equal(8 * 3 * 3 * 3, s.Layers[0].TotalParams);
        Assert.Equal(4 * 8 * 3 * 3 + 4, s.Layers[3].TotalParams);
    }

    // LayerNorm over (6, 28, 28) with affine: γ and β of 4,704 elements each = 9,408 (torch.nn.LayerNorm([6,28,28]) agrees).
    [Fact]
    public void Layer_norm_keeps_the_shape_and_has_an_elementwise_affine()
    {
        var s = Infer(new Network("n", Shape(1, 28, 28), Layers(
            new Conv2D(6, 5, Padding: new Padding.Same()), new LayerNorm(), new LayerNorm(Affine: false))));
        Assert.Equal(Shape(6, 28, 28), s.Output);
        Assert.Equal(9_408, s.Layers[1].TrainableParams);
        Assert.Equal(0, s.Layers[1].NonTrainableParams);
        Assert.Equal(0, s.Layers[2].TotalParams);
    }

    [Fact]
    public void Batch_norm_without_affine_or_running_stats_counts_only_what_it_keeps()
    {
        var s = Infer(new Network("n", Shape(8, 4, 4), Layers(
            new BatchNorm(Affine: false), new BatchNorm(TrackRunningStats: false), new BatchNorm(Affine: false, TrackRunningStats: false))));
        Assert.Equal((0L, 16L), (s.Layers[0].TrainableParams, s.Layers[0].NonTrainableParams));
        Assert.Equal((16L, 0L), (s.Layers[1].TrainableParams, s.Layers[1].NonTrainableParams));
        Assert.Equal(0, s.Layers[2].TotalParams);
    }

    [Fact]
    public void A_network_without_layers_outputs_its_input()
    {
        var s = Infer(new Network("id", Shape(28, 28), Seq<Layer>.Empty));
        Assert.Equal(Shape(28, 28), s.Output);
        Assert.Equal(0, s.TotalParams);
    }
}
