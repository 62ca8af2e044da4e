using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NormLab.Tests.Unit.Engine;

public class InterpreterTests
{
    public static TheoryData<string> PresetNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in Presets.Names) data.Add(n);
        return data;
    }

    [Theory, MemberData(nameof(PresetNames))]
    public void Compiled_output_shapes_equal_shape_inference_for_every_layer(string preset)
    {
        var network = Presets.Find(preset).IfNone(() => throw new InvalidOperationException(preset));
        using var net = Interpreter.CompileValid(network, 7);
        using var scope = torch.NewDisposeScope();
        var input = torch.randn([3, .. network.InputShape.Map(i => (long)i)]);
        var observed = new List<long[]>();
        net.eval();
        var logits = net.ForwardLogits(input, (i, t) => observed.Add(t.shape));
        var expectedCount = net.EndsWithSoftmax ? net.Shape.Layers.Count - 1 : net.Shape.Layers.Count;
        Assert.Equal(expectedCount, observed.Count);
        for (var i = 0; i < observed.Count; i++)
            Assert.Equal([3L, .. net.Shape.Layers[i].Output.Map(d => (long)d)], observed[i]);
        var output = net.forward(input);
        Assert.Equal([3L, .. net.Shape.Output.Map(d => (long)d)], output.shape);
    }

    [Theory, MemberData(nameof(PresetNames))]
    public void Parameter_and_buffer_counts_equal_shape_inference(string preset)
    {
        var network = Presets.Find(preset).IfNone(() => throw new InvalidOperationException(preset));
        using var net = Interpreter.CompileValid(network, 1);
        Assert.Equal(net.Shape.TrainableParams, net.parameters().Sum(p => p.numel()));
        // Keras' non-trainable count is the running statistics; PyTorch's int64 num_batches_tracked counter is no parameter.
        Assert.Equal(net.Shape.NonTrainableParams, net.named_buffers().Where(b => !b.name.EndsWith("num_batches_tracked")).Sum(b => b.buffer.numel()));
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_another_seed_differs()
    {
        using var a = Interpreter.CompileValid(Presets.Lenet5BnAll, 42);
        using var b = Interpreter.CompileValid(Presets.Lenet5BnAll, 42);
        using var c = Interpreter.CompileValid(Presets.Lenet5BnAll, 43);
        var pa = a.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var pb = b.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var pc = c.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.Equal(pa, pb);
        Assert.NotEqual(pa, pc);
    }

    [Fact]
    public void Train_and_eval_reach_every_layer()
    {
        using var net = Interpreter.CompileValid(Presets.Mlp300100Bn, 3);
        net.eval();
        Assert.All(net.Layers, l => Assert.False(l.training));
        net.train();
        Assert.All(net.Layers, l => Assert.True(l.training));
    }

    [Fact]
    public void Initialisers_draw_from_the_distributions_the_records_name()
    {
        var network = new Network("init", LanguageExt.Prelude.Seq1(784), LanguageExt.Prelude.Seq<Layer>(
            new Dense(400, Init: new HeNormal()),
            new Dense(300, Init: new GlorotUniform()),
            new Dense(200, Init: new Normal(0, 0.05)),
            new Dense(100, Init: new TorchDefault())));
        using var net = Interpreter.CompileValid(network, 5);
        var layers = net.Layers.Cast<TorchSharp.Modules.Linear>().ToArray();
        // he_normal: truncated at ±2σ' with σ' = √(2/784)/0.8796 → sample std ≈ √(2/784).
        var he = layers[0].weight.data<float>().ToArray();
        var heStd = Math.Sqrt(2.0 / 784);
        Assert.InRange(Std(he), heStd * 0.97, heStd * 1.03);
        Assert.All(he, w => Assert.InRange(Math.Abs(w), 0, 2 * heStd / 0.87962566103423978 + 1e-6));
        Assert.All(layers[0].bias!.data<float>().ToArray(), b => Assert.Equal(0f, b));
        // glorot_uniform: U(±√(6/(400+300))).
        var bound = Math.Sqrt(6.0 / 700);
        var glorot = layers[1].weight.data<float>().ToArray();
        Assert.All(glorot, w => Assert.InRange(Math.Abs(w), 0, bound));
        Assert.InRange(Std(glorot), bound / Math.Sqrt(3) * 0.97, bound / Math.Sqrt(3) * 1.03);
        Assert.InRange(Std(layers[2].weight.data<float>().ToArray()), 0.05 * 0.97, 0.05 * 1.03);
        // torch default: bias U(±1/√fan_in), not zeros.
        Assert.Contains(layers[3].bias!.data<float>().ToArray(), b => b != 0);
        Assert.All(layers[3].bias!.data<float>().ToArray(), b => Assert.InRange(Math.Abs(b), 0, 1 / Math.Sqrt(200)));
    }

    [Fact]
    public void Invalid_networks_are_rejected_with_problems_not_compiled()
    {
        var bad = new Network("bad", LanguageExt.Prelude.Seq(1, 28, 28), LanguageExt.Prelude.Seq1<Layer>(new Dense(-3)));
        var result = Interpreter.Compile(bad, 1);
        Assert.True(result.IsFail);
        result.IfFail(problems => Assert.Contains(problems, p => p.Path == "layers[0].units"));
    }

    private static double Std(float[] v)
    {
        var m = v.Average(x => (double)x);
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Length);
    }
}

/// <summary>The README's "Adding a layer" example, end to end: record → shape rule → compile case.</summary>
public class LayerNormExampleTests
{
    [Fact]
    public void Layer_norm_compiles_counts_parameters_and_normalises_each_sample_independently_of_the_batch()
    {
        var network = new Network("ln", LanguageExt.Prelude.Seq(2, 3, 3), LanguageExt.Prelude.Seq1<Layer>(new LayerNorm(Name: "ln")));
        var shape = ShapeInference.Infer(network).Match(s => s, p => throw new InvalidOperationException(string.Join("; ", p)));
        Assert.Equal(2 * 18, shape.TrainableParams);
        using var net = Interpreter.CompileValid(network, 1);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.randn(4, 2, 3, 3) * 5 + 2;
        var y = net.forward(x);
        var mean = y.mean([1, 2, 3]).data<float>().ToArray();
        var variance = y.var([1, 2, 3], unbiased: false).data<float>().ToArray();
        Assert.All(mean, m => Assert.InRange(m, -1e-5, 1e-5));
        Assert.All(variance, v => Assert.InRange(v, 0.999, 1.0001));
        // Batch independence: the first sample alone gives the same output as inside the batch.
        var alone = net.forward(x.narrow(0, 0, 1));
        Assert.Equal(y.narrow(0, 0, 1).data<float>().ToArray(), alone.data<float>().ToArray());
    }
}
