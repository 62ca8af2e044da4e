namespace NormLab.Core.Networks;

/// <summary>
/// The name every layer answers to, in the summary, in probes and in results files: its user <see cref="Layer.Name"/>, or
/// else <c>&lt;kind&gt;_&lt;n&gt;</c> where n counts the layers of that kind from 1 up to and including it (<c>conv2d_1</c>,
/// <c>batch_norm_2</c>). The counter runs over every layer of the kind, named or not, so <c>dense_2</c> is always the
/// second Dense whatever names the others carry.
/// </summary>
public static class LayerNames
{
    /// <summary>The generated name of <c>layers[index]</c>, ignoring its user name.</summary>
    public static string Generated(Seq<Layer> layers, int index)
    {
        var kind = layers[index].KindName;
        var n = layers.Take(index + 1).Count(l => l.KindName == kind);
        return $"{kind}_{Format.Number(n)}";
    }

    /// <summary>The effective name of <c>layers[index]</c>: the user name, else the generated one.</summary>
    public static string Of(Seq<Layer> layers, int index) => layers[index].Name ?? Generated(layers, index);

    /// <summary>The effective names of all layers, in order.</summary>
    public static Seq<string> All(Network network) =>
        Enumerable.Range(0, network.Layers.Count).Select(i => Of(network.Layers, i)).ToSeq().Strict();

    /// <summary>The index of the first layer answering to <paramref name="name"/> (ordinal comparison).</summary>
    public static Option<int> Find(Network network, string name) =>
        All(network).Map((i, n) => (i, n)).Find(p => p.n == name).Map(p => p.i);
}
