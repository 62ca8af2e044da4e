using NormLab.Core.Networks;
using NormLab.Engine.Normalization;

namespace NormLab.Engine.Compilation;

/// <summary>
/// A network record compiled into modules: one module per layer, in order, each named as the record names it
/// (<see cref="LayerNames"/>). Owns every parameter and buffer; dispose it to free them.
/// </summary>
public sealed class CompiledNetwork : Module
{
    private readonly Module[] layers;

    internal CompiledNetwork(NetworkShape shape, IReadOnlyList<Module> modules) : base(shape.Network.Name)
    {
        Shape = shape;
        layers = modules.ToArray();
        for (var i = 0; i < layers.Length; i++) RegisterModule(layers[i].Name, layers[i]);
        EndsWithSoftmax = shape.Network.Layers.LastOrDefault() is Activation { Kind: ActivationKind.Softmax };
    }

    public NetworkShape Shape { get; }
    public Network Network => Shape.Network;
    public IReadOnlyList<Module> Layers => layers;

    /// <summary>
    /// True when the last layer is a softmax (the Keras habit: softmax output + categorical cross-entropy). Training then
    /// feeds the softmax's input — the logits — to cross_entropy, which is log_softmax + NLL in one numerically stable op:
    /// the same loss without computing probabilities twice.
    /// </summary>
    public bool EndsWithSoftmax { get; }

    public IEnumerable<BatchNormLayer> BatchNormLayers => layers.OfType<BatchNormLayer>();

    /// <summary>The whole network, softmax included.</summary>
    public override Tensor forward(Tensor input) => Run(input, layers.Length, null);

    /// <summary>The logits: everything but a final softmax (see <see cref="EndsWithSoftmax"/>).</summary>
    public Tensor ForwardLogits(Tensor input) => Run(input, EndsWithSoftmax ? layers.Length - 1 : layers.Length, null);

    /// <summary>
    /// Like <see cref="ForwardLogits"/>, calling <paramref name="observe"/> with each layer's index and output (probes
    /// read pre-activations here). Observed tensors belong to the caller's dispose scope and must not be kept.
    /// </summary>
    public Tensor ForwardLogits(Tensor input, Action<int, Tensor> observe) =>
        Run(input, EndsWithSoftmax ? layers.Length - 1 : layers.Length, observe);

    private Tensor Run(Tensor input, int count, Action<int, Tensor>? observe)
    {
        var x = input;
        for (var i = 0; i < count; i++)
        {
            var y = layers[i].forward(x);
            observe?.Invoke(i, y);
            // Free intermediates as soon as the next layer has them, unless a dispose scope will (autograd keeps its own references).
            if (!ReferenceEquals(x, input) && x.Scope is null) x.Dispose();
            x = y;
        }
        return ReferenceEquals(x, input) ? input.alias() : x;
    }
}
