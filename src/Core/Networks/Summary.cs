namespace NormLab.Core.Networks;

/// <summary>
/// A fixed-width table in the manner of Keras' <c>model.summary()</c>: one row per layer — name (type), output shape with the
/// batch axis as <c>None</c>, parameter count — ending with the line
/// <c>Total params: 271,346, trainable: 268,978, non-trainable: 2,368</c> (invariant culture, no trailing newline).
/// </summary>
public static class Summary
{
    const string LayerHeader = "Layer (type)";
    const string ShapeHeader = "Output Shape";
    const string ParamsHeader = "Param #";

    public static string Render(NetworkShape shape)
    {
        var rows = shape.Layers.Map(l => (
            Layer: $"{shape.NameOf(l.Index)} ({TypeText(l.Layer)})",
            Shape: "(None, " + Format.Shape(l.Output).TrimStart('('),
            Params: Format.Thousands(l.TotalParams))).Strict();

        var w1 = rows.Fold(Math.Max(LayerHeader.Length, 28), (w, r) => Math.Max(w, r.Layer.Length)) + 2;
        var w2 = rows.Fold(Math.Max(ShapeHeader.Length, 22), (w, r) => Math.Max(w, r.Shape.Length)) + 2;
        var w3 = rows.Fold(Math.Max(ParamsHeader.Length, 10), (w, r) => Math.Max(w, r.Params.Length));
        var width = 1 + w1 + w2 + w3;

        string Row(string a, string b, string c) => (" " + a.PadRight(w1) + b.PadRight(w2) + c).TrimEnd();

        var lines = new List<string>
        {
            $"Model: \"{shape.Network.Name}\"",
            $"Input: {Format.Shape(shape.Network.InputShape)}",
            new string('_', width),
            Row(LayerHeader, ShapeHeader, ParamsHeader),
            new string('=', width),
        };
        lines.AddRange(rows.Map(r => Row(r.Layer, r.Shape, r.Params)));
        lines.Add(new string('=', width));
        lines.Add(TotalsLine(shape));
        return string.Join("\n", lines);
    }

    /// <summary><c>Total params: N, trainable: N, non-trainable: N</c>.</summary>
    public static string TotalsLine(NetworkShape shape) =>
        $"Total params: {Format.Thousands(shape.TotalParams)}, trainable: {Format.Thousands(shape.TrainableParams)}, " +
        $"non-trainable: {Format.Thousands(shape.NonTrainableParams)}";

    /// <summary>The type column: the record's name plus what distinguishes instances of it.</summary>
    public static string TypeText(Layer layer) => layer switch
    {
        Activation a when a.Kind == ActivationKind.LeakyRelu => $"Activation: leaky_relu {Format.Number(a.ResolvedAlpha)}",
        Activation a => $"Activation: {a.KindText}",
        BatchNorm b => $"BatchNorm: {(b.Convention == BnConvention.Window ? $"window {Format.Number(b.Window)}" : b.ConventionName)}"
                       + (b.Implementation == BnImplementation.Scratch ? ", scratch" : "")
                       + (b.VirtualBatchSize is int v ? $", ghost {Format.Number(v)}" : "")
                       + (b.Renorm is { } r ? $", renorm r≤{Format.Number(r.RMax)} d≤{Format.Number(r.DMax)}" : "")
                       + Frozen(b),
        GroupNorm g => $"GroupNorm: {Format.Number(g.Groups)} groups{Frozen(g)}",
        InstanceNorm n => $"InstanceNorm{(n.TrackRunningStats ? ": tracked" : "")}{Frozen(n)}",
        Noise n => $"Noise: mean±{Format.Number(n.MeanStd)} scale±{Format.Number(n.ScaleStd)} every {Format.Number(n.Every)}",
        _ => layer.GetType().Name + Frozen(layer),
    };

    static string Frozen(Layer layer) => layer.Trainable ? "" : ", frozen";
}
