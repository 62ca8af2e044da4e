namespace NormLab.Core.Networks;

/// <summary>One layer after shape inference: its index, per-sample input and output shapes, and Keras-style parameter
/// counts (trainable: weights, biases, γ, β; non-trainable: BN running mean and variance).</summary>
public sealed record LayerShape(int Index, Layer Layer, Seq<int> Input, Seq<int> Output, long TrainableParams, long NonTrainableParams)
{
    public long TotalParams => TrainableParams + NonTrainableParams;
}

/// <summary>A network whose every layer has a known shape — the proof that it can be compiled.</summary>
public sealed record NetworkShape(Network Network, Seq<LayerShape> Layers)
{
    /// <summary>The per-sample output shape (the input shape for a network without layers).</summary>
    public Seq<int> Output => Layers.IsEmpty ? Network.InputShape : Layers.Last.Output;

    public long TrainableParams => Layers.Sum(l => l.TrainableParams);

    public long NonTrainableParams => Layers.Sum(l => l.NonTrainableParams);

    public long TotalParams => TrainableParams + NonTrainableParams;

    /// <summary>The effective name of layer <paramref name="index"/> (see <see cref="LayerNames"/>).</summary>
    public string NameOf(int index) => LayerNames.Of(Network.Layers, index);
}
