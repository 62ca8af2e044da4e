namespace NormLab.Engine;

/// <summary>
/// A misuse of a compiled layer at run time (wrong rank, wrong channel count, one value per channel in training),
/// named after the layer so a user can find it in the network definition.
/// </summary>
public sealed class LayerException(string layer, string message) : Exception($"layer {layer}: {message}")
{
    public string Layer { get; } = layer;
}
