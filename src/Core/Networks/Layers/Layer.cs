namespace NormLab.Core.Networks;

/// <summary>
/// One layer of a sequential network: a closed family of sealed records whose constructor arguments are the layer's whole
/// config, each with the default a user expects (the Keras <c>get_config</c>/<c>from_config</c> habit), so YAML ↔ record
/// round-trips. Adding a kind means one record here (its fields, <see cref="KindName"/> and <see cref="FieldProblems"/>),
/// one shape rule in <see cref="ShapeInference"/> and one compile case in the interpreter.
/// </summary>
/// <param name="Name">Optional user name, used by probes and the summary; when null the layer is called
/// <c>&lt;kind&gt;_&lt;n&gt;</c> (see <see cref="LayerNames"/>).</param>
public abstract record Layer(string? Name)
{
    /// <summary>The kind as written in YAML and in generated names: <c>conv2d</c>, <c>dense</c>, <c>batch_norm</c>, …</summary>
    public abstract string KindName { get; }

    /// <summary>
    /// Mistakes in the layer's own fields (shape-independent), each with a path under <paramref name="path"/> (the layer's
    /// path, e.g. <c>layers[4]</c>). Shape problems are <see cref="ShapeInference"/>'s.
    /// </summary>
    public abstract Seq<Problem> FieldProblems(string path);

    /// <summary>
    /// False freezes the layer's parameters (Keras' <c>trainable</c>): the optimizer never sees them, so they keep their
    /// initial values bit for bit, and the summary counts them as non-trainable. BN running statistics are buffers, not
    /// parameters, and still follow the training batches. Every kind accepts it (<c>trainable: false</c> in YAML).
    /// </summary>
    public bool Trainable { get; init; } = true;
}
