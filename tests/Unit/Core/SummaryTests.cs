using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class SummaryTests
{
    // The Keras summary of the same network (seed 001) lists 3,136 / 235,500 / 1,200 / 30,100 / 400 / 1,010 and
    // "Total params: 271,346"; Keras fuses the activations into Dense, we show them as rows of their own.
    [Fact]
    public void Mlp_with_bn_renders_like_keras_model_summary()
    {
        var expected = string.Join("\n",
            "Model: \"mlp_300_100_bn\"",
            "Input: (1, 28, 28)",
            "_______________________________________________________________________",
            " Layer (type)                        Output Shape            Param #",
            "=======================================================================",
            " flatten_1 (Flatten)                 (None, 784)             0",
            " batch_norm_1 (BatchNorm: keras)     (None, 784)             3,136",
            " dense_1 (Dense)                     (None, 300)             235,500",
            " activation_1 (Activation: relu)     (None, 300)             0",
            " batch_norm_2 (BatchNorm: keras)     (None, 300)             1,200",
            " dense_2 (Dense)                     (None, 100)             30,100",
            " activation_2 (Activation: relu)     (None, 100)             0",
            " batch_norm_3 (BatchNorm: keras)     (None, 100)             400",
            " dense_3 (Dense)                     (None, 10)              1,010",
            " activation_3 (Activation: softmax)  (None, 10)              0",
            "=======================================================================",
            "Total params: 271,346, trainable: 268,978, non-trainable: 2,368");
        Assert.Equal(expected, Summary.Render(Infer(Presets.Mlp300100Bn)));
    }

    [Fact]
    public void Lenet_rows_show_image_shapes_and_the_study_bn()
    {
        var text = Summary.Render(Infer(Presets.LenetFcBn2));
        var lines = text.Split('\n');
        Assert.Equal(" conv2d_1 (Conv2D)                            (None, 6, 28, 28)       156", lines[5]);
        Assert.Equal(" batch_norm_2 (BatchNorm: window 5, scratch)  (None, 16, 10, 10)      64", lines[10]);
        Assert.Equal(" max_pool_2 (MaxPool)                         (None, 16, 5, 5)        0", lines[12]);
        Assert.Equal("Total params: 62,610, trainable: 62,158, non-trainable: 452", lines[^1]);
        Assert.All(lines.Skip(2).Take(lines.Length - 3), l => Assert.True(l.Length <= lines[2].Length, l));
    }

    [Fact]
    public void User_names_replace_generated_ones_and_leaky_relu_shows_its_slope()
    {
        var plain = Summary.Render(Infer(Presets.IoffeMlpPlain)).Split('\n');
        Assert.Contains(plain, l => l.StartsWith(" hidden3 (Dense) ", StringComparison.Ordinal));
        Assert.Contains(plain, l => l.StartsWith(" hidden3_sigmoid (Activation: sigmoid) ", StringComparison.Ordinal));
        Assert.Contains(Summary.Render(Infer(Presets.Mlp300100)).Split('\n'),
            l => l.StartsWith(" activation_1 (Activation: leaky_relu 0.3) ", StringComparison.Ordinal));
        Assert.Equal("Total params: 99,710, trainable: 99,710, non-trainable: 0", Summary.TotalsLine(Infer(Presets.IoffeMlpPlain)));
    }
}
