namespace NormLab.Core.Networks;

/// <summary>
/// A sequential network: a name, the per-sample input shape (channels-first, without the batch axis: <c>[1, 28, 28]</c> for
/// an MNIST image, <c>[784]</c> for a flat vector, <c>[28, 28]</c> allowed before a <see cref="Flatten"/>) and its layers in
/// order. Validate it with <see cref="NetworkValidation.Validate"/>; the interpreter only meets validated networks.
/// </summary>
public sealed record Network(string Name, Seq<int> InputShape, Seq<Layer> Layers);
