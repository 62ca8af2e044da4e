using System.Globalization;
using LanguageExt;
using Dropout = NormLab.Core.Networks.Dropout;
using Flatten = NormLab.Core.Networks.Flatten;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>A generated network and the per-sample shape the generator tracked before each layer (and after the last).</summary>
public sealed record GeneratedNetwork(Network Network, int[][] Shapes)
{
    public override string ToString() => NetworkText.Describe(Network);
}

/// <summary>Networks as one readable line, for counterexamples.</summary>
public static class NetworkText
{
    public static string Describe(Network n) =>
        $"{n.Name} input [{string.Join(", ", n.InputShape)}] → " + string.Join(" → ", n.Layers.Map(Describe));

    public static string Describe(Layer? l) => l switch
    {
        null => "null",
        Conv2D c => $"conv2d(filters {c.Filters}, kernel {c.Kernel}, stride {c.Stride}, padding {PaddingText(c.ResolvedPadding)}{Named(c.Name)})",
        Dense d => $"dense({d.Units}{Named(d.Name)})",
        NormLab.Core.Networks.BatchNorm b => $"batch_norm({b.ConventionName}{(b.Momentum is double m ? $", momentum {m.ToString(CultureInfo.InvariantCulture)}" : "")}{(b.Epsilon is double e ? $", eps {e.ToString(CultureInfo.InvariantCulture)}" : "")}{Named(b.Name)})",
        Activation a => $"{a.KindText}{Named(a.Name)}",
        MaxPool p => $"max_pool({p.Size}, stride {p.ResolvedStride}{Named(p.Name)})",
        AvgPool p => $"avg_pool({p.Size}, stride {p.ResolvedStride}{Named(p.Name)})",
        Flatten f => $"flatten{Named(f.Name)}",
        Dropout d => $"dropout({d.Rate.ToString(CultureInfo.InvariantCulture)}{Named(d.Name)})",
        LayerNorm n => $"layer_norm(eps {n.Epsilon.ToString(CultureInfo.InvariantCulture)}{Named(n.Name)})",
        GroupNorm g => $"group_norm({g.Groups} groups{(g.Affine ? "" : ", affine false")}{Named(g.Name)})",
        InstanceNorm i => $"instance_norm({(i.Affine ? "affine" : "")}{(i.TrackRunningStats ? " tracked" : "")}{Named(i.Name)})",
        Noise z => $"noise(mean ± {z.MeanStd.ToString(CultureInfo.InvariantCulture)}, scale ± {z.ScaleStd.ToString(CultureInfo.InvariantCulture)}, every {z.Every}{Named(z.Name)})",
        _ => l.KindName,
    };

    // The nested padding records print their own record syntax; show the YAML spelling instead.
    static string PaddingText(Padding p) => p switch
    {
        Padding.Explicit e => e.Amount.ToString(CultureInfo.InvariantCulture),
        Padding.Same => "same",
        _ => "valid",
    };

    static string Named(string? name) => name is null ? "" : $", name \"{name}\"";
}

/// <summary>
/// Random sequential networks over every layer kind: inputs (1..3, 4..12, 4..12) or (1..20 features); each layer is drawn
/// from the kinds that fit the current shape (the generator tracks shapes with the documented rules, so the networks are
/// valid by construction — validation and the compiled modules are what the properties check).
/// </summary>
public static class NetworkGen
{
    static readonly ActivationKind[] Elementwise = [ActivationKind.Relu, ActivationKind.LeakyRelu, ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.Identity];

    public static Gen<int[]> InputShapes =>
        Gen.Frequency(
            (2, from c in Gen.Choose(1, 3) from h in Gen.Choose(4, 12) from w in Gen.Choose(4, 12) select new[] { c, h, w }),
            (1, Gen.Choose(1, 20).Select(f => new[] { f })));

    /// <summary>BN layers of every convention and implementation, some with renorm, and — on feature maps of more than one
    /// pixel, where a chunk of one sample still has several values per channel and 1 divides every batch size — ghost BN.</summary>
    static Gen<NormLab.Core.Networks.BatchNorm> BatchNorms(int[] shape) =>
        from convention in Gen.Elements(BnConvention.Torch, BnConvention.Keras, BnConvention.Cumulative, BnConvention.Window)
        from impl in Gen.Elements(BnImplementation.Native, BnImplementation.Scratch)
        from ghost in shape.Length == 3 && shape[1] * shape[2] > 1
            ? Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Constant<int?>(1)))
            : Gen.Constant<int?>(null)
        from renorm in Gen.Frequency((3, Gen.Constant<BatchRenorm?>(null)), (1, Gen.Constant<BatchRenorm?>(new BatchRenorm(3, 5, 10, 20))))
        select new NormLab.Core.Networks.BatchNorm(convention, Implementation: impl, VirtualBatchSize: ghost, Renorm: renorm);

    /// <summary>A group norm whose groups divide the channels (and leave at least two values per group of a flat input).</summary>
    static Gen<Layer> GroupNorms(int[] shape)
    {
        var channels = shape[0];
        var divisors = Enumerable.Range(1, channels).Where(d => channels % d == 0 && (shape.Length == 3 || channels / d >= 2)).ToArray();
        return divisors.Length == 0
            ? Gen.Constant((Layer)new Noise())
            : from g in Gen.Elements(divisors) from affine in Gen.Elements(true, false) select (Layer)new GroupNorm(g, Affine: affine);
    }

    /// <summary>One layer that fits <paramref name="shape"/> (softmax only when it may end the network).</summary>
    static Gen<Layer> LayerFor(int[] shape, bool last)
    {
        var common = new List<(int, Gen<Layer>)>
        {
            (2, BatchNorms(shape).Select(b => (Layer)b)),
            (2, Gen.Elements(Elementwise).Select(k => (Layer)new Activation(k))),
            (1, Gen.Choose(0, 5).Select(r => (Layer)new Dropout(r / 10.0))),
            (1, Gen.Constant((Layer)new LayerNorm())),
            (1, GroupNorms(shape)),
            (1, Gen.Constant((Layer)new Noise(0.1, 0.2, 2))),
        };
        if (shape.Length == 3)
        {
            var (h, w) = (shape[1], shape[2]);
            var small = Math.Min(h, w);
            common.Add((3,
                from filters in Gen.Choose(1, 4)
                from pad in Gen.Choose(0, 2)
                from kernel in Gen.Choose(1, Math.Min(small + 2 * pad, 5))
                from stride in Gen.Choose(1, 2)
                from same in Gen.Elements(false, true)
                select (Layer)(same && stride == 1 && kernel % 2 == 1
                    ? new Conv2D(filters, kernel, 1, new Padding.Same())
                    : new Conv2D(filters, kernel, stride, pad == 0 ? null : new Padding.Explicit(pad)))));
            common.Add((2,
                from size in Gen.Choose(1, Math.Min(small, 3))
                from stride in Gen.Elements<int?>(null, 1, 2)
                from max in Gen.Elements(false, true)
                select max ? (Layer)new MaxPool(size, stride) : new AvgPool(size, stride)));
            common.Add((2, Gen.Constant((Layer)new Flatten())));
            if (h * w > 1)
                common.Add((1, from affine in Gen.Elements(true, false) from track in Gen.Elements(true, false)
                               select (Layer)new InstanceNorm(Affine: affine, TrackRunningStats: track)));
        }
        else
        {
            common.Add((3, Gen.Choose(1, 10).Select(u => (Layer)new Dense(u))));
            if (last) common.Add((1, Gen.Constant((Layer)new Activation(ActivationKind.Softmax))));
        }
        return Gen.Frequency(common.ToArray());
    }

    /// <summary>The per-sample shape after <paramref name="layer"/> (the rules of DESIGN.md / PyTorch).</summary>
    public static int[] After(Layer layer, int[] s) => layer switch
    {
        Conv2D c => [c.Filters, (s[1] + 2 * c.PadAmount - c.Kernel) / c.Stride + 1, (s[2] + 2 * c.PadAmount - c.Kernel) / c.Stride + 1],
        MaxPool p => [s[0], (s[1] - p.Size) / p.ResolvedStride + 1, (s[2] - p.Size) / p.ResolvedStride + 1],
        AvgPool p => [s[0], (s[1] - p.Size) / p.ResolvedStride + 1, (s[2] - p.Size) / p.ResolvedStride + 1],
        Flatten => [s.Aggregate(1, (a, b) => a * b)],
        Dense d => [d.Units],
        _ => s,
    };

    static Gen<List<(Layer Layer, int[] Input)>> Stack(int[] shape, int remaining) =>
        remaining == 0
            ? Gen.Constant(new List<(Layer, int[])>())
            : from layer in LayerFor(shape, remaining == 1)
              from rest in Stack(After(layer, shape), remaining - 1)
              select rest.Prepend((layer, shape)).ToList();

    /// <summary>Valid networks of 1..6 layers; with <paramref name="classifier"/> they end in Flatten (if needed) + Dense(2..5 classes).</summary>
    public static Gen<GeneratedNetwork> Valid(bool classifier = false) =>
        from input in InputShapes
        from count in Gen.Choose(1, 6)
        from stack in Stack(input, count)
        from classes in Gen.Choose(2, 5)
        select Build(input, stack, classifier ? classes : 0);

    static GeneratedNetwork Build(int[] input, List<(Layer Layer, int[] Input)> stack, int classes)
    {
        var layers = stack.Select(s => s.Layer).ToList();
        var shapes = stack.Select(s => s.Input).ToList();
        var output = stack.Count == 0 ? input : After(stack[^1].Layer, stack[^1].Input);
        if (classes > 0)
        {
            // A softmax in the middle is not allowed; drop a trailing one before adding the head.
            if (layers.Count > 0 && layers[^1] is Activation { Kind: ActivationKind.Softmax })
            {
                output = shapes[^1];
                layers.RemoveAt(layers.Count - 1);
                shapes.RemoveAt(shapes.Count - 1);
            }
            if (output.Length != 1)
            {
                layers.Add(new Flatten());
                shapes.Add(output);
                output = After(new Flatten(), output);
            }
            layers.Add(new Dense(classes));
            shapes.Add(output);
            output = [classes];
        }
        shapes.Add(output);
        return new GeneratedNetwork(new Network("generated", input.ToSeq(), layers.ToSeq()), shapes.ToArray());
    }

    /// <summary>Shrinks by dropping a layer or shrinking an input axis, keeping only candidates that still validate.</summary>
    public static IEnumerable<GeneratedNetwork> Shrink(GeneratedNetwork g, bool classifier = false)
    {
        var net = g.Network;
        var candidates = Enumerable.Range(0, net.Layers.Count)
            .Select(i => net with { Layers = net.Layers.Where((_, j) => j != i).ToSeq() })
            .Concat(Enumerable.Range(0, net.InputShape.Count)
                .Where(a => net.InputShape[a] > (net.InputShape.Count == 3 && a > 0 ? 4 : 1))
                .Select(a => net with { InputShape = net.InputShape.Select((d, j) => j == a ? d - 1 : d).ToSeq() }));
        foreach (var n in candidates)
        {
            if (classifier && !n.Layers.Exists(l => l is Dense or Conv2D)) continue;
            if (classifier && n.Layers.LastOrDefault() is not Dense) continue;
            if (NetworkValidation.ValidateShape(n).IsSuccess)
                yield return new GeneratedNetwork(n, Tracked(n));
        }
    }

    static int[][] Tracked(Network n)
    {
        var shapes = new List<int[]> { n.InputShape.ToArray() };
        foreach (var l in n.Layers) shapes.Add(After(l, shapes[^1]));
        return shapes.ToArray();
    }

    public static Arbitrary<GeneratedNetwork> ValidNetworks(bool classifier = false) =>
        Arb.From(Valid(classifier), g => Shrink(g, classifier));
}
