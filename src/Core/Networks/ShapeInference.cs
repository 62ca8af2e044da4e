namespace NormLab.Core.Networks;

/// <summary>
/// Shape inference: a pure fold over the layers from the input shape, giving each layer's output shape and parameter
/// counts, or every problem found. The interpreter never meets a network this rejects, and its compiled shapes equal these.
/// <para>What is reported: the input shape's problems; every layer's field problems (all layers, always); and shape
/// problems while the shape is still known. A layer with field problems, or one whose output cannot be known (a kernel
/// that does not fit), ends the shape fold there — later shape checks would only echo the first mistake. A layer whose
/// output is still clear despite the mistake (a Dense on an unflattened input) lets the fold go on, so independent
/// mistakes show up together.</para>
/// </summary>
public static class ShapeInference
{
    /// <summary>The largest per-layer parameter count accepted (2^53: exact in a double, and far beyond any memory).</summary>
    public const long MaxParams = 1L << 53;

    /// <summary>Infers every layer's shape; paths of problems start at <paramref name="pathPrefix"/> (e.g. <c>experiments[2].model</c>).</summary>
    public static Validation<Problem, NetworkShape> Infer(Network network, string pathPrefix = "")
    {
        var inputProblems = InputShapeProblems(network.InputShape, ProblemPath.Join(pathPrefix, "inputShape"));
        var layersPath = ProblemPath.Join(pathPrefix, "layers");
        var start = new FoldState(inputProblems.IsEmpty ? Some(network.InputShape) : None, Seq<LayerShape>(), inputProblems);
        var end = network.Layers
            .Map((index, layer) => (index, layer))
            .Fold(start, (state, item) => Next(state, item.index, item.layer, ProblemPath.Index(layersPath, item.index)));
        return end.Problems.IsEmpty
            ? Success<Problem, NetworkShape>(new NetworkShape(network, end.Shapes))
            : Validation<Problem, NetworkShape>.Fail(end.Problems);
    }

    /// <summary>The fold's state: the current shape (None once unknown), the layers inferred so far, the problems so far.</summary>
    readonly record struct FoldState(Option<Seq<int>> Current, Seq<LayerShape> Shapes, Seq<Problem> Problems);

    static FoldState Next(FoldState state, int index, Layer? layer, string path)
    {
        if (layer is null)
            return new FoldState(None, state.Shapes, state.Problems.Add(new Problem(path, "is empty — give the layer a type")));
        var fieldProblems = layer.FieldProblems(path);
        var problems = state.Problems + fieldProblems;
        return state.Current.Match(
            None: () => state with { Problems = problems },
            Some: input =>
            {
                if (!fieldProblems.IsEmpty) return new FoldState(None, state.Shapes, problems);
                var step = Frozen(layer, Rule(layer, input, path));
                var shapes = step.Output.Match(
                    Some: output => state.Shapes.Add(new LayerShape(index, layer, input, output, step.Trainable, step.NonTrainable)),
                    None: () => state.Shapes);
                return new FoldState(step.Output, shapes, problems + step.Problems);
            });
    }

    /// <summary>The outcome of one shape rule: problems, the output shape when it is known, parameter counts.</summary>
    readonly record struct Step(Seq<Problem> Problems, Option<Seq<int>> Output, long Trainable, long NonTrainable)
    {
        public static Step Ok(Seq<int> output, long trainable = 0, long nonTrainable = 0) =>
            new(Seq<Problem>(), Some(output), trainable, nonTrainable);

        /// <summary>A mistake after which the output is unknown: the fold stops here.</summary>
        public static Step Stop(string path, string message) =>
            new(Seq1(new Problem(path, message)), None, 0, 0);

        /// <summary>A mistake after which the intended output is still clear: the fold goes on with it.</summary>
        public static Step Recover(string path, string message, Seq<int> output) =>
            new(Seq1(new Problem(path, message)), Some(output), 0, 0);
    }

    /// <summary>One shape rule per layer kind: the only place that knows how a layer changes the shape.</summary>
    static Step Rule(Layer layer, Seq<int> input, string path) => layer switch
    {
        Conv2D c => ConvRule(c, input, path),
        Dense d => input.Count == 1
            ? Params(path, Seq1(d.Units), (Int128)d.Units * input[0] + (d.UseBias ? d.Units : 0), 0)
            : Step.Recover(path, $"dense needs a flat (features) input but gets {Format.Shape(input)} — add a Flatten layer first", Seq1(d.Units)),
        BatchNorm b => input.Count is 1 or 3
            ? Params(path, input, b.Affine ? 2 * input[0] : 0, b.TrackRunningStats ? 2 * input[0] : 0)
            : Step.Recover(path, $"batch_norm needs a (features) or (channels, height, width) input but gets {Format.Shape(input)} — add a Flatten layer first", input),
        Activation { Kind: ActivationKind.Softmax } when input.Count != 1 =>
            Step.Recover(path, $"softmax needs a flat (features) input but gets {Format.Shape(input)} — add a Flatten layer first", input),
        Activation => Step.Ok(input),
        MaxPool p => PoolRule("max_pool", p.Size, p.ResolvedStride, input, path),
        AvgPool p => PoolRule("avg_pool", p.Size, p.ResolvedStride, input, path),
        Flatten => FlattenRule(input, path),
        Dropout => Step.Ok(input),
        LayerNorm n => Params(path, input, n.Affine ? 2 * Elements(input) : 0, 0),
        GroupNorm g => GroupNormRule(g, input, path),
        InstanceNorm n => input.Count != 3
            ? Step.Recover(path, $"instance_norm needs a (channels, height, width) input but gets {Format.Shape(input)} — use it before the Flatten layer, or use layer_norm or group_norm on features", input)
            : input[1] * input[2] == 1
                ? Step.Recover(path, $"instance_norm gets one value per sample and channel ({Format.Shape(input)}), which it cannot normalise — use it on a larger feature map", input)
                : Params(path, input, n.Affine ? 2 * input[0] : 0, n.TrackRunningStats ? 2 * input[0] : 0),
        Noise => input.Count is 1 or 3
            ? Step.Ok(input)
            : Step.Recover(path, $"noise needs a (features) or (channels, height, width) input but gets {Format.Shape(input)} — add a Flatten layer first", input),
        _ => Step.Stop(path, $"unsupported layer kind {layer.GetType().Name}"),
    };

    /// <summary><c>trainable: false</c>: the layer's trainable parameters count as non-trainable (Keras' summary does the same).</summary>
    static Step Frozen(Layer layer, Step step) =>
        layer.Trainable ? step : step with { Trainable = 0, NonTrainable = step.NonTrainable + step.Trainable };

    static Step GroupNormRule(GroupNorm g, Seq<int> input, string path)
    {
        if (input.Count is not (1 or 3))
            return Step.Recover(path, $"group_norm needs a (features) or (channels, height, width) input but gets {Format.Shape(input)} — add a Flatten layer first", input);
        var channels = input[0];
        if (channels % g.Groups != 0)
        {
            var divisors = Enumerable.Range(1, channels).Where(d => channels % d == 0).ToList();
            var near = divisors.OrderBy(d => Math.Abs(d - g.Groups)).ThenBy(d => d).First();
            return Step.Recover(ProblemPath.Join(path, "groups"),
                $"{Format.Number(g.Groups)} groups do not divide the {Format.Number(channels)} channels of the input {Format.Shape(input)} — use a divisor of {Format.Number(channels)} such as {Format.Number(near)}", input);
        }
        if (input.Count == 1 && channels / g.Groups == 1)
            return Step.Recover(ProblemPath.Join(path, "groups"),
                $"{Format.Number(g.Groups)} groups of a flat {Format.Number(channels)}-feature input hold one value each, which cannot be normalised — use fewer groups", input);
        return Params(path, input, g.Affine ? 2 * channels : 0, 0);
    }

    static Step ConvRule(Conv2D c, Seq<int> input, string path)
    {
        if (input.Count != 3)
            return Step.Stop(path, $"conv2d needs a (channels, height, width) input but gets {Format.Shape(input)} — use an image input shape such as [1, 28, 28] and put Flatten after the convolutions");
        var (channels, height, width) = (input[0], input[1], input[2]);
        var pad = (long)c.PadAmount;
        if (height + 2 * pad < c.Kernel || width + 2 * pad < c.Kernel)
        {
            var fix = pad == 0 ? "use padding: same or a smaller kernel" : "use a larger padding or a smaller kernel";
            var padded = pad == 0 ? "" : $" padded by {Format.Number(pad)}";
            return Step.Stop(path, $"kernel {c.Kernel}×{c.Kernel} does not fit input {height}×{width}{padded} — {fix}");
        }
        var outH = (height + 2 * pad - c.Kernel) / c.Stride + 1;
        var outW = (width + 2 * pad - c.Kernel) / c.Stride + 1;
        if (outH > int.MaxValue || outW > int.MaxValue)
            return Step.Stop(path, $"output {outH}×{outW} is too large — use a smaller padding");
        var weights = (Int128)c.Filters * channels * c.Kernel * c.Kernel;
        return Params(path, Seq(c.Filters, (int)outH, (int)outW), weights + (c.UseBias ? c.Filters : 0), 0);
    }

    static Step PoolRule(string kind, int size, int stride, Seq<int> input, string path)
    {
        if (input.Count != 3)
            return Step.Stop(path, $"{kind} needs a (channels, height, width) input but gets {Format.Shape(input)} — pool before the Flatten layer");
        var (channels, height, width) = (input[0], input[1], input[2]);
        if (height < size || width < size)
            return Step.Stop(path, $"pool {size}×{size} does not fit input {height}×{width} — use a smaller size or remove this layer");
        return Step.Ok(Seq(channels, (height - size) / stride + 1, (width - size) / stride + 1));
    }

    static Step FlattenRule(Seq<int> input, string path)
    {
        var n = Elements(input);
        return n <= int.MaxValue
            ? Step.Ok(Seq1((int)n))
            : Step.Stop(path, $"flattens {Format.Shape(input)} into {Format.Thousands((long)n)} values, more than {Format.Thousands(int.MaxValue)} — shrink the input first");
    }

    /// <summary>A step with parameter counts, refusing counts no machine could hold (and no long could sum).</summary>
    static Step Params(string path, Seq<int> output, Int128 trainable, Int128 nonTrainable) =>
        trainable + nonTrainable <= MaxParams
            ? Step.Ok(output, (long)trainable, (long)nonTrainable)
            : Step.Stop(path, $"needs {trainable + nonTrainable} parameters, more than {Format.Thousands(MaxParams)} — use fewer units, filters or a smaller kernel");

    static Int128 Elements(Seq<int> shape) => shape.Fold((Int128)1, (acc, d) => acc * d);

    static Seq<Problem> InputShapeProblems(Seq<int> shape, string path)
    {
        if (shape.Count is < 1 or > 3)
            return Seq1(new Problem(path, $"must have 1 to 3 axes — (features), (height, width) before a Flatten, or (channels, height, width) — got {shape.Count}"));
        var problems = Seq<Problem>();
        for (var i = 0; i < shape.Count; i++)
            if (shape[i] <= 0)
                problems = problems.Add(new Problem(ProblemPath.Index(path, i), $"must be > 0 (got {Format.Number(shape[i])})"));
        return problems;
    }
}
