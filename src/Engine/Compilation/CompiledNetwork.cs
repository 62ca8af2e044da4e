using NormLab.Core.Networks;
using NormLab.Engine.Normalization;

namespace NormLab.Engine.Compilation;

/// <summary>
/// A network record compiled into a TorchSharp module tree: one child module per layer, in order, registered under the
/// name the record gives it (<see cref="LayerNames"/>), so <c>state_dict</c> keys read <c>conv2d_1.weight</c>,
/// <c>batch_norm_1.running_var</c>, … as PyTorch's would. Owns every parameter and buffer; dispose it to free them.
/// </summary>
public sealed class CompiledNetwork : Module
{
    private readonly Module[] layers;
    private readonly string[] names;

    internal CompiledNetwork(NetworkShape shape, IReadOnlyList<(string Name, Module Module)> modules) : base(shape.Network.Name)
    {
        Shape = shape;
        layers = modules.Select(m => m.Module).ToArray();
        names = modules.Select(m => m.Name).ToArray();
        for (var i = 0; i < layers.Length; i++) register_module(names[i], layers[i]);
        EndsWithSoftmax = shape.Network.Layers.LastOrDefault() is Activation { Kind: ActivationKind.Softmax };
    }

    public NetworkShape Shape { get; }
    public Network Network => Shape.Network;
    public IReadOnlyList<Module> Layers => layers;

    /// <summary>The name layer <paramref name="index"/> is registered under (its state_dict prefix).</summary>
    public string LayerName(int index) => names[index];

    /// <summary>
    /// True when the last layer is a softmax (the Keras habit: softmax output + categorical cross-entropy). Training then
    /// feeds the softmax's input — the logits — to cross_entropy, which is log_softmax + NLL in one numerically stable op:
    /// the same loss without computing probabilities twice.
    /// </summary>
    public bool EndsWithSoftmax { get; }

    public IEnumerable<BatchNormLayer> BatchNormLayers => layers.OfType<BatchNormLayer>();

    /// <summary>The parameters an optimizer trains: every parameter of a layer that is not <c>trainable: false</c>.</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>The whole network, softmax included.</summary>
    public override Tensor forward(Tensor input) => Run(input, layers.Length, null);

    /// <summary>The logits: everything but a final softmax (see <see cref="EndsWithSoftmax"/>).</summary>
    public Tensor ForwardLogits(Tensor input) => Run(input, EndsWithSoftmax ? layers.Length - 1 : layers.Length, null);

    /// <summary>
    /// Like <see cref="ForwardLogits(Tensor)"/>, calling <paramref name="observe"/> with each layer's index and output (probes
    /// read pre-activations here). An observed tensor is freed once the next layer has consumed it: read it in the
    /// callback, never keep it.
    /// </summary>
    public Tensor ForwardLogits(Tensor input, Action<int, Tensor> observe) =>
        Run(input, EndsWithSoftmax ? layers.Length - 1 : layers.Length, observe);

    private Tensor Run(Tensor input, int count, Action<int, Tensor>? observe)
    {
        var x = input;
        for (var i = 0; i < count; i++)
        {
            Tensor y;
            try
            {
                y = layers[i].call(x);
            }
            catch (ExternalException e)
            {
                // libtorch's message arrives as TorchSharp's ExternalException: name the layer that raised it.
                throw new LayerException(names[i], TorchErrors.Describe(e));
            }
            observe?.Invoke(i, y);
            // Free each intermediate as soon as the next layer has consumed it — even inside a dispose scope, which would
            // only free it at the end of the step. Autograd keeps its own references to what backward needs; dropping
            // ours early lets the allocator reuse the block for the next layer's output.
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = y;
        }
        return ReferenceEquals(x, input) ? input.alias() : x;
    }
}
