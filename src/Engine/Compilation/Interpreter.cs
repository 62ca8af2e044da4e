using NormLab.Core;
using NormLab.Core.Networks;
using NormLab.Engine.Normalization;

namespace NormLab.Engine.Compilation;

/// <summary>
/// Compiles network records into module trees over the binding. Validation (fields, names, shape inference) runs first,
/// so the interpreter never meets a network it rejected, and every compiled layer is built from the shapes it inferred (compiled output shapes
/// equal inferred ones — a property test checks it). Adding a layer kind = one record (Core), one shape rule
/// (ShapeInference), one case in <see cref="CompileLayer"/>.
/// </summary>
public static class Interpreter
{
    /// <summary>
    /// Builds the modules and initialises every parameter from libtorch's generator seeded with <paramref name="seed"/>,
    /// layer by layer in order, so the same seed gives bit-identical initial weights.
    /// </summary>
    public static Validation<Problem, CompiledNetwork> Compile(Network network, ulong seed, string pathPrefix = "") =>
        // Full validation, not shape inference alone: two layers with one name would give two modules one name.
        NetworkValidation.ValidateShape(network, pathPrefix).Map(shape =>
        {
            torch.manual_seed(seed);
            var modules = new List<Module>();
            try
            {
                foreach (var layer in shape.Layers)
                    modules.Add(CompileLayer(layer, shape.NameOf(layer.Index)));
                return new CompiledNetwork(shape, modules);
            }
            catch
            {
                foreach (var m in modules) m.Dispose();
                throw;
            }
        });

    /// <summary>Compiles a network that must be valid (presets, tests); throws with every problem otherwise.</summary>
    public static CompiledNetwork CompileValid(Network network, ulong seed) =>
        Compile(network, seed).Match(
            Succ: n => n,
            Fail: problems => throw new ArgumentException(
                $"network {network.Name} is invalid:\n  " + string.Join("\n  ", problems.Select(p => p.ToString()))));

    /// <summary>One compile case per layer kind.</summary>
    private static Module CompileLayer(LayerShape s, string name) => s.Layer switch
    {
        Conv2D c => Initialised(
            new Conv2d(s.Input[0], c.Filters, c.Kernel, c.Stride, c.PadAmount, hasBias: c.UseBias, name: name),
            c.ResolvedInit, c.WeightShape(s.Input[0])),
        Dense d => Initialised(
            new Linear(s.Input[0], d.Units, hasBias: d.UseBias, name: name),
            d.ResolvedInit, d.WeightShape(s.Input[0])),
        BatchNorm b => new BatchNormLayer(b, s.Input[0], s.Input.Count, name),
        Activation a => a.Kind switch
        {
            ActivationKind.Relu => new ReLU(name),
            ActivationKind.LeakyRelu => new LeakyReLU(a.ResolvedAlpha, name),
            ActivationKind.Sigmoid => new Sigmoid(name),
            ActivationKind.Tanh => new Tanh(name),
            ActivationKind.Softmax => new Softmax(1, name),
            ActivationKind.Identity => new Identity(name),
            _ => throw new ArgumentOutOfRangeException(nameof(s), a.Kind, "unknown activation"),
        },
        MaxPool p => new MaxPool2d(p.Size, p.ResolvedStride, name),
        AvgPool p => new AvgPool2d(p.Size, p.ResolvedStride, name),
        Core.Networks.Flatten => new Torch.Flatten(name),
        Core.Networks.Dropout d => new Torch.Dropout(d.Rate, name),
        LayerNorm l => new LayerNormLayer(s.Input.Map(i => (long)i).ToArray(), l.Epsilon, l.Affine, name),
        _ => throw new NotSupportedException($"layer {name}: no compile case for {s.Layer.GetType().Name}"),
    };

    private static Module Initialised(Module layer, Initializer init, Seq<int> weightShape)
    {
        var (weight, bias) = layer switch
        {
            Conv2d c => (c.weight, c.bias),
            Linear l => (l.weight, l.bias),
            _ => throw new ArgumentException($"{layer.Name} has no weight to initialise"),
        };
        Sample(weight, InitializerMath.Weight(init, weightShape));
        if (bias is not null) Sample(bias, InitializerMath.Bias(init, weightShape));
        return layer;
    }

    private static void Sample(Tensor t, Distribution d)
    {
        switch (d)
        {
            case Distribution.Normal n: torch.nn.init.normal_(t, n.Mean, n.Std); break;
            case Distribution.TruncatedNormal tn: torch.nn.init.trunc_normal_(t, tn.Mean, tn.Std, tn.Low, tn.High); break;
            case Distribution.Uniform u: torch.nn.init.uniform_(t, u.Low, u.High); break;
            case Distribution.Constant c: torch.nn.init.constant_(t, c.Value); break;
            default: throw new ArgumentOutOfRangeException(nameof(d), d, "unknown distribution");
        }
    }
}
