using NormLab.Core;
using NormLab.Core.Networks;
using NormLab.Engine.Normalization;

namespace NormLab.Engine.Compilation;

/// <summary>
/// Compiles network records into TorchSharp module trees. Validation (fields, names, shape inference) runs first,
/// so the interpreter never meets a network it rejected, and every compiled layer is built from the shapes it inferred (compiled output shapes
/// equal inferred ones — a property test checks it). Adding a layer kind = one record (Core), one shape rule
/// (ShapeInference), one case in <see cref="CompileLayer"/>.
/// </summary>
public static class Interpreter
{
    /// <summary>
    /// Builds the modules on <paramref name="device"/> (CPU when null) and initialises every parameter from libtorch's
    /// generator seeded with <paramref name="seed"/>, layer by layer in order, so the same seed gives bit-identical initial weights.
    /// </summary>
    public static Validation<Problem, CompiledNetwork> Compile(Network network, ulong seed, string pathPrefix = "", Device? device = null) =>
        // Full validation, not shape inference alone: two layers with one name would give two modules one name.
        NetworkValidation.ValidateShape(network, pathPrefix).Map(shape =>
        {
            torch.manual_seed(unchecked((long)seed));
            var modules = new List<(string, Module)>();
            try
            {
                foreach (var layer in shape.Layers)
                {
                    var name = shape.NameOf(layer.Index);
                    var module = CompileLayer(layer, name, device ?? CPU);
                    modules.Add((name, module));
                    // trainable: false — no gradient, and the optimizer is given only parameters that require one.
                    if (!layer.Layer.Trainable)
                        foreach (var p in module.parameters()) p.requires_grad_(false);
                }
                return new CompiledNetwork(shape, modules);
            }
            catch
            {
                foreach (var (_, m) in modules) m.Dispose();
                throw;
            }
        });

    /// <summary>Compiles a network that must be valid (presets, tests); throws with every problem otherwise.</summary>
    public static CompiledNetwork CompileValid(Network network, ulong seed, Device? device = null) =>
        Compile(network, seed, device: device).Match(
            Succ: n => n,
            Fail: problems => throw new ArgumentException(
                $"network {network.Name} is invalid:\n  " + string.Join("\n  ", problems.Select(p => p.ToString()))));

    /// <summary>One compile case per layer kind: TorchSharp's own modules where PyTorch has one, NormLab's otherwise.</summary>
    private static Module CompileLayer(LayerShape s, string name, Device device) => s.Layer switch
    {
        Conv2D c => Initialised(
            nn.Conv2d(s.Input[0], c.Filters, c.Kernel, stride: c.Stride, padding: c.PadAmount, bias: c.UseBias, device: device),
            name, c.ResolvedInit, c.WeightShape(s.Input[0])),
        Dense d => Initialised(
            nn.Linear(s.Input[0], d.Units, hasBias: d.UseBias, device: device),
            name, d.ResolvedInit, d.WeightShape(s.Input[0])),
        BatchNorm b => new BatchNormLayer(b, s.Input[0], s.Input.Count, name, device),
        Activation a => a.Kind switch
        {
            ActivationKind.Relu => nn.ReLU(),
            ActivationKind.LeakyRelu => nn.LeakyReLU(a.ResolvedAlpha),
            ActivationKind.Sigmoid => nn.Sigmoid(),
            ActivationKind.Tanh => nn.Tanh(),
            ActivationKind.Softmax => nn.Softmax(1),
            ActivationKind.Identity => nn.Identity(),
            _ => throw new ArgumentOutOfRangeException(nameof(s), a.Kind, "unknown activation"),
        },
        MaxPool p => nn.MaxPool2d(p.Size, p.ResolvedStride),
        AvgPool p => nn.AvgPool2d(p.Size, p.ResolvedStride),
        Core.Networks.Flatten => nn.Flatten(),
        Core.Networks.Dropout d => nn.Dropout(d.Rate),
        LayerNorm l => new LayerNormLayer(s.Input.Map(i => (long)i).ToArray(), l.Epsilon, l.Affine, name, device),
        GroupNorm g => new GroupNormLayer(g.Groups, s.Input[0], g.Epsilon, g.Affine, name, device),
        InstanceNorm i => new InstanceNormLayer(i, s.Input[0], name, device),
        Noise z => new NoiseLayer(z, s.Input[0], s.Input.Count, name, device),
        _ => throw new NotSupportedException($"layer {name}: no compile case for {s.Layer.GetType().Name}"),
    };

    /// <summary>Draws the weight and bias of a Conv2d or Linear from the record's initializer (replacing TorchSharp's default init).</summary>
    private static Module Initialised(Module layer, string name, Initializer init, Seq<int> weightShape)
    {
        var (weight, bias) = layer switch
        {
            TorchSharp.Modules.Conv2d c => (c.weight, c.bias),
            TorchSharp.Modules.Linear l => (l.weight, l.bias),
            _ => throw new ArgumentException($"{name} has no weight to initialise"),
        };
        using var _ = no_grad();
        Sample(weight!, InitializerMath.Weight(init, weightShape));
        if (bias is not null) Sample(bias, InitializerMath.Bias(init, weightShape));
        return layer;
    }

    /// <summary>
    /// PyTorch's <c>nn.init.trunc_normal_</c> algorithm (inverse-CDF sampling): u ~ U(2Φ(α)−1, 2Φ(β)−1), x = μ + σ√2·erfinv(u),
    /// clamped to [low, high]. TorchSharp 0.107's own <c>init.trunc_normal_</c> fills the tensor with one constant (measured:
    /// std 3.7e-9 for σ = 0.05), so the interpreter draws it itself, in place, from the same generator.
    /// </summary>
    private static void TruncatedNormal(Tensor t, Distribution.TruncatedNormal d)
    {
        static double Cdf(double x)
        {
            using var v = torch.tensor(x / Math.Sqrt(2.0), ScalarType.Float64);
            using var e = v.erf();
            return 0.5 * (1 + e.item<double>());
        }
        var lo = Cdf((d.Low - d.Mean) / d.Std);
        var hi = Cdf((d.High - d.Mean) / d.Std);
        t.uniform_(2 * lo - 1, 2 * hi - 1).erfinv_().mul_(d.Std * Math.Sqrt(2.0)).add_(d.Mean).clamp_(d.Low, d.High);
    }

    private static void Sample(Tensor t, Distribution d)
    {
        switch (d)
        {
            case Distribution.Normal n: torch.nn.init.normal_(t, n.Mean, n.Std); break;
            case Distribution.TruncatedNormal tn: TruncatedNormal(t, tn); break;
            case Distribution.Uniform u: torch.nn.init.uniform_(t, u.Low, u.High); break;
            case Distribution.Constant c: torch.nn.init.constant_(t, c.Value); break;
            default: throw new ArgumentOutOfRangeException(nameof(d), d, "unknown distribution");
        }
    }
}
