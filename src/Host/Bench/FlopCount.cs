using NormLab.Core.Networks;

namespace NormLab.Host.Bench;

/// <summary>
/// Floating-point work of a network, computed from its layer shapes. Only convolutions and dense layers count (their
/// multiply-adds are all but a few percent of the arithmetic; BN, activations and pooling are memory-bound and left out,
/// so the achieved GFLOP/s is a lower bound on the arithmetic really done).
/// <list type="bullet">
/// <item>Conv2D: out_h · out_w · filters · k · k · in_channels multiply-adds per image.</item>
/// <item>Dense: in · units multiply-adds per image.</item>
/// <item>One multiply-add = 2 FLOPs; training = forward + backward ≈ 3 × forward (the backward pass computes the gradient
/// for the input and for the weights, each as large as the forward product — the usual convention).</item>
/// </list>
/// </summary>
public static class FlopCount
{
    /// <summary>Multiply-adds of one forward pass of one image.</summary>
    public static long MacsPerImage(NetworkShape shape) => shape.Layers.Sum(l => l.Layer switch
    {
        // Output is (filters, out_h, out_w): every output value is a k·k·in_channels dot product.
        Conv2D c => (long)l.Output[0] * l.Output[1] * l.Output[2] * c.Kernel * c.Kernel * l.Input[0],
        Dense d => (long)l.Input[0] * d.Units,
        _ => 0L,
    });

    /// <summary>FLOPs of one forward pass of one image (2 per multiply-add).</summary>
    public static long ForwardFlopsPerImage(NetworkShape shape) => 2 * MacsPerImage(shape);

    /// <summary>FLOPs of forward + backward of one image: 3 × forward.</summary>
    public static long TrainingFlopsPerImage(NetworkShape shape) => 3 * ForwardFlopsPerImage(shape);
}
