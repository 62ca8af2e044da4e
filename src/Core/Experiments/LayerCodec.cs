using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// Layers ↔ <see cref="FieldValue"/>s: the one place that knows every layer kind's fields as a user writes them
/// (camelCase names of the record's constructor arguments). Reading collects every problem with its path; writing writes
/// every field that is set, so <c>Read(Write(layer)) == layer</c>; a layer override is a write, a merge and a read.
/// <code>
/// conv2d: {filters: 6, kernel: 5, stride: 1, padding: same, useBias: true, init: he_normal, name: c1}
/// dense: {units: 300, useBias: false, init: {normal: {mean: 0, std: 0.05}}}
/// batch_norm: {convention: keras, momentum: 0.99, epsilon: 0.001, affine: true, trackRunningStats: true,
///              implementation: native, window: 5}
/// activation: relu                  activation: {kind: leaky_relu, alpha: 0.3}
/// max_pool: {size: 2, stride: 2}    avg_pool: {size: 2}    flatten: {}    dropout: {rate: 0.5}    layer_norm: {epsilon: 1e-5}
/// batch_norm: {virtualBatchSize: 8, renorm: {rMax: 3, dMax: 5, warmupSteps: 5000, rampSteps: 20000}}
/// group_norm: {groups: 2, epsilon: 1e-5, affine: true}    instance_norm: {epsilon: 1e-5, affine: false, trackRunningStats: false}
/// noise: {meanStd: 0.1, scaleStd: 0.1, every: 1}
/// </code>
/// Every kind also takes <c>trainable: false</c> (written only when false).
/// </summary>
public static class LayerCodec
{
    public static Seq<string> Kinds => Seq("conv2d", "dense", "batch_norm", "activation", "max_pool", "avg_pool", "flatten",
        "dropout", "layer_norm", "group_norm", "instance_norm", "noise");

    static readonly Seq<(string, BnConvention)> Conventions =
        Seq(("torch", BnConvention.Torch), ("keras", BnConvention.Keras), ("cumulative", BnConvention.Cumulative),
            ("window", BnConvention.Window));

    static readonly Seq<(string, BnImplementation)> Implementations =
        Seq(("native", BnImplementation.Native), ("scratch", BnImplementation.Scratch));

    static readonly Seq<(string, ActivationKind)> ActivationKinds =
        Seq(("relu", ActivationKind.Relu), ("leaky_relu", ActivationKind.LeakyRelu), ("sigmoid", ActivationKind.Sigmoid),
            ("tanh", ActivationKind.Tanh), ("softmax", ActivationKind.Softmax), ("identity", ActivationKind.Identity));

    public static Seq<string> InitializerNames =>
        Seq("he_normal", "he_uniform", "glorot_uniform", "normal", "uniform", "zeros", "ones", "torch_default");

    /// <summary>The keys each kind accepts, in constructor order.</summary>
    public static Seq<string> KeysOf(string kind)
    {
        var own = OwnKeysOf(kind);
        return own.IsEmpty ? own : own.Add("trainable");
    }

    static Seq<string> OwnKeysOf(string kind) => kind switch
    {
        "conv2d" => Seq("filters", "kernel", "stride", "padding", "useBias", "init", "name"),
        "dense" => Seq("units", "useBias", "init", "name"),
        "batch_norm" => Seq("convention", "momentum", "epsilon", "affine", "trackRunningStats", "implementation", "window", "name",
            "virtualBatchSize", "renorm"),
        "activation" => Seq("kind", "alpha", "name"),
        "max_pool" or "avg_pool" => Seq("size", "stride", "name"),
        "flatten" => Seq1("name"),
        "dropout" => Seq("rate", "name"),
        "layer_norm" => Seq("epsilon", "affine", "name"),
        "group_norm" => Seq("groups", "epsilon", "affine", "name"),
        "instance_norm" => Seq("epsilon", "affine", "trackRunningStats", "name"),
        "noise" => Seq("meanStd", "scaleStd", "every", "name"),
        _ => Seq<string>(),
    };

    /// <summary>
    /// Reads a layer of <paramref name="kind"/> whose fields are <paramref name="value"/> (a mapping; an empty scalar means
    /// no fields; <c>activation</c> also takes its kind as a bare scalar). Problems are under <paramref name="path"/>, the
    /// layer's path (<c>layers[4]</c> → <c>layers[4].units</c>).
    /// </summary>
    public static Validation<Problem, Layer> Read(string kind, FieldValue value, string path)
    {
        if (!Kinds.Contains(kind))
            return Fail(new Problem(path, Suggestions.Unknown("layer type", kind, Kinds)));
        var fields = value switch
        {
            FieldValue.Fields f => f,
            FieldValue.Scalar { Text: var t } when string.IsNullOrWhiteSpace(t) => FieldValue.Map(),
            FieldValue.Scalar s when kind == "activation" => FieldValue.Map(new FieldSetting("kind", s)),
            _ => null,
        };
        if (fields is null)
            return Fail(new Problem(path, $"expected the fields of {kind} as a mapping (e.g. {Example(kind)}), got {value.Describe()}"));
        var r = new FieldReader(fields, path, KeysOf(kind), kind);
        var name = r.Text("name");
        var trainable = r.Bool("trainable", true);
        var (layer, problems) = kind switch
        {
            "conv2d" => Conv(r, name),
            "dense" => DenseOf(r, name),
            "batch_norm" => Bn(r, name),
            "activation" => Act(r, name),
            "max_pool" => Pool(r, name, (size, stride, n) => new MaxPool(size, stride, n)),
            "avg_pool" => Pool(r, name, (size, stride, n) => new AvgPool(size, stride, n)),
            "flatten" => ((Layer)new Flatten(name.Value), Seq<Problem>()),
            "dropout" => Drop(r, name),
            "group_norm" => GroupNormOf(r, name),
            "instance_norm" => InstanceNormOf(r, name),
            "noise" => NoiseOf(r, name),
            _ => LayerNormOf(r, name),
        };
        var all = r.KeyProblems + problems + name.Problems + trainable.Problems;
        return all.IsEmpty ? Success<Problem, Layer>(layer with { Trainable = trainable.Value }) : Validation<Problem, Layer>.Fail(all);
    }

    static Validation<Problem, Layer> Fail(Problem p) => Validation<Problem, Layer>.Fail(Seq1(p));

    static string Example(string kind) => kind switch
    {
        "conv2d" => "{filters: 6, kernel: 5}",
        "dense" => "{units: 100}",
        "dropout" => "{rate: 0.5}",
        "max_pool" or "avg_pool" => "{size: 2}",
        "group_norm" => "{groups: 2}",
        _ => "{}",
    };

    static (Layer, Seq<Problem>) Conv(FieldReader r, Checked<string?> name)
    {
        var filters = r.Int("filters", required: true);
        var kernel = r.Int("kernel", required: true);
        var stride = r.Int("stride", 1);
        var padding = PaddingOf(r);
        var useBias = r.Bool("useBias", true);
        var init = InitOf(r);
        return (new Conv2D(filters.Value, kernel.Value, stride.Value, padding.Value, useBias.Value, init.Value, name.Value),
            filters.Problems + kernel.Problems + stride.Problems + padding.Problems + useBias.Problems + init.Problems);
    }

    static (Layer, Seq<Problem>) DenseOf(FieldReader r, Checked<string?> name)
    {
        var units = r.Int("units", required: true);
        var useBias = r.Bool("useBias", true);
        var init = InitOf(r);
        return (new Dense(units.Value, useBias.Value, init.Value, name.Value), units.Problems + useBias.Problems + init.Problems);
    }

    static (Layer, Seq<Problem>) Bn(FieldReader r, Checked<string?> name)
    {
        var convention = r.Word("convention", BnConvention.Torch, Conventions);
        var momentum = r.OptionalDouble("momentum");
        var epsilon = r.OptionalDouble("epsilon");
        var affine = r.Bool("affine", true);
        var track = r.Bool("trackRunningStats", true);
        var implementation = r.Word("implementation", BnImplementation.Native, Implementations);
        var window = r.Int("window", BatchNorm.DefaultWindow);
        var virtualBatch = r.OptionalInt("virtualBatchSize");
        var renorm = RenormOf(r);
        return (new BatchNorm(convention.Value, momentum.Value, epsilon.Value, affine.Value, track.Value, implementation.Value,
                window.Value, name.Value, virtualBatch.Value, renorm.Value),
            convention.Problems + momentum.Problems + epsilon.Problems + affine.Problems + track.Problems
            + implementation.Problems + window.Problems + virtualBatch.Problems + renorm.Problems);
    }

    static readonly Seq<string> RenormKeys = Seq("rMax", "dMax", "warmupSteps", "rampSteps");

    /// <summary><c>renorm: {rMax: 3, dMax: 5, warmupSteps: 0, rampSteps: 0}</c> (every field optional; <c>renorm: {}</c> is the paper's final limits).</summary>
    static Checked<BatchRenorm?> RenormOf(FieldReader r) =>
        r.Find("renorm").Match(
            Some: v =>
            {
                var fields = v switch
                {
                    FieldValue.Fields f => f,
                    FieldValue.Scalar { Text: var t } when string.IsNullOrWhiteSpace(t) => FieldValue.Map(),
                    _ => null,
                };
                if (fields is null)
                    return new Checked<BatchRenorm?>(null, Seq1(new Problem(r.PathOf("renorm"),
                        $"expected a mapping like {{rMax: 3, dMax: 5, warmupSteps: 5000, rampSteps: 20000}}, got {v.Describe()}")));
                var fr = new FieldReader(fields, r.PathOf("renorm"), RenormKeys, "renorm");
                var defaults = new BatchRenorm();
                var rMax = fr.Double("rMax", defaults.RMax);
                var dMax = fr.Double("dMax", defaults.DMax);
                var warmup = fr.Int("warmupSteps", defaults.WarmupSteps);
                var ramp = fr.Int("rampSteps", defaults.RampSteps);
                return new Checked<BatchRenorm?>(new BatchRenorm(rMax.Value, dMax.Value, warmup.Value, ramp.Value),
                    fr.KeyProblems + rMax.Problems + dMax.Problems + warmup.Problems + ramp.Problems);
            },
            None: () => Checked<BatchRenorm?>.Ok(null));

    static (Layer, Seq<Problem>) GroupNormOf(FieldReader r, Checked<string?> name)
    {
        var groups = r.Int("groups", required: true);
        var epsilon = r.Double("epsilon", 1e-5);
        var affine = r.Bool("affine", true);
        return (new GroupNorm(groups.Value, epsilon.Value, affine.Value, name.Value), groups.Problems + epsilon.Problems + affine.Problems);
    }

    static (Layer, Seq<Problem>) InstanceNormOf(FieldReader r, Checked<string?> name)
    {
        var epsilon = r.Double("epsilon", 1e-5);
        var affine = r.Bool("affine", false);
        var track = r.Bool("trackRunningStats", false);
        return (new InstanceNorm(epsilon.Value, affine.Value, track.Value, name.Value), epsilon.Problems + affine.Problems + track.Problems);
    }

    static (Layer, Seq<Problem>) NoiseOf(FieldReader r, Checked<string?> name)
    {
        var defaults = new Noise();
        var meanStd = r.Double("meanStd", defaults.MeanStd);
        var scaleStd = r.Double("scaleStd", defaults.ScaleStd);
        var every = r.Int("every", defaults.Every);
        return (new Noise(meanStd.Value, scaleStd.Value, every.Value, name.Value), meanStd.Problems + scaleStd.Problems + every.Problems);
    }

    static (Layer, Seq<Problem>) Act(FieldReader r, Checked<string?> name)
    {
        var kind = r.Word("kind", ActivationKind.Identity, ActivationKinds, required: true);
        var alpha = r.OptionalDouble("alpha");
        return (new Activation(kind.Value, alpha.Value, name.Value), kind.Problems + alpha.Problems);
    }

    static (Layer, Seq<Problem>) Pool(FieldReader r, Checked<string?> name, Func<int, int?, string?, Layer> make)
    {
        var size = r.Int("size", required: true);
        var stride = r.OptionalInt("stride");
        return (make(size.Value, stride.Value, name.Value), size.Problems + stride.Problems);
    }

    static (Layer, Seq<Problem>) Drop(FieldReader r, Checked<string?> name)
    {
        var rate = r.Double("rate", required: true);
        return (new Dropout(rate.Value, name.Value), rate.Problems);
    }

    static (Layer, Seq<Problem>) LayerNormOf(FieldReader r, Checked<string?> name)
    {
        var epsilon = r.Double("epsilon", 1e-5);
        var affine = r.Bool("affine", true);
        return (new LayerNorm(epsilon.Value, affine.Value, name.Value), epsilon.Problems + affine.Problems);
    }

    /// <summary><c>valid</c>, <c>same</c> or a number of zeros per side.</summary>
    static Checked<Padding?> PaddingOf(FieldReader r) =>
        r.Find("padding").Match(
            Some: v => v switch
            {
                FieldValue.Scalar { Text: "valid" } => Checked<Padding?>.Ok(new Padding.Valid()),
                FieldValue.Scalar { Text: "same" } => Checked<Padding?>.Ok(new Padding.Same()),
                FieldValue.Scalar s when FieldReader.ParseInt(s.Text).IsSome =>
                    Checked<Padding?>.Ok(new Padding.Explicit(FieldReader.ParseInt(s.Text).IfNone(0))),
                _ => new Checked<Padding?>(null, Seq1(new Problem(r.PathOf("padding"),
                    $"expected valid, same or a number of zeros per side, got {v.Describe()}"))),
            },
            None: () => Checked<Padding?>.Ok(null));

    /// <summary>An initializer: a name (<c>he_normal</c>) or a one-key mapping with its fields (<c>{normal: {mean: 0, std: 1}}</c>).</summary>
    static Checked<Initializer?> InitOf(FieldReader r) =>
        r.Find("init").Match(
            Some: v => ReadInitializer(v, r.PathOf("init")).Map(i => (Initializer?)i),
            None: () => Checked<Initializer?>.Ok(null));

    public static Checked<Initializer> ReadInitializer(FieldValue value, string path)
    {
        var bad = new Checked<Initializer>(Initializer.Default, Seq1(new Problem(path,
            $"expected an initializer name ({string.Join(", ", InitializerNames)}) or a mapping like {{normal: {{mean: 0, std: 0.05}}}}, got {value.Describe()}")));
        switch (value)
        {
            case FieldValue.Scalar s:
                return InitializerNames.Contains(s.Text.Trim())
                    ? ReadInitializer(FieldValue.Map(new FieldSetting(s.Text.Trim(), FieldValue.Map())), path)
                    : new Checked<Initializer>(Initializer.Default, Seq1(new Problem(path,
                        Suggestions.Unknown("initializer", s.Text, InitializerNames))));
            case FieldValue.Fields { Items.Count: 1 } f:
                var (kind, args) = (f.Items[0].Key, f.Items[0].Value);
                if (!InitializerNames.Contains(kind))
                    return new Checked<Initializer>(Initializer.Default, Seq1(new Problem(ProblemPath.Join(path, kind),
                        Suggestions.Unknown("initializer", kind, InitializerNames))));
                var fields = args switch
                {
                    FieldValue.Fields a => a,
                    FieldValue.Scalar { Text: var t } when string.IsNullOrWhiteSpace(t) => FieldValue.Map(),
                    _ => null,
                };
                if (fields is null) return bad;
                // Field problems sit at init.<field> — the same paths as the layer records' own checks (Checks.Init).
                var keys = kind switch { "normal" => Seq("mean", "std"), "uniform" => Seq("low", "high"), _ => Seq<string>() };
                var fr = new FieldReader(fields, path, keys, $"the {kind} initializer");
                Initializer init;
                Seq<Problem> problems;
                switch (kind)
                {
                    case "normal":
                        var mean = fr.Double("mean", 0); var std = fr.Double("std", 0.05);
                        (init, problems) = (new Normal(mean.Value, std.Value), mean.Problems + std.Problems);
                        break;
                    case "uniform":
                        var low = fr.Double("low", -0.05); var high = fr.Double("high", 0.05);
                        (init, problems) = (new Uniform(low.Value, high.Value), low.Problems + high.Problems);
                        break;
                    default:
                        (init, problems) = (Named(kind), Seq<Problem>());
                        break;
                }
                return new Checked<Initializer>(init, fr.KeyProblems + problems);
            default:
                return bad;
        }
    }

    static Initializer Named(string kind) => kind switch
    {
        "he_normal" => new HeNormal(),
        "he_uniform" => new HeUniform(),
        "zeros" => new Zeros(),
        "ones" => new Ones(),
        "torch_default" => new TorchDefault(),
        _ => new GlorotUniform(),
    };

    static Checked<Initializer?> Map(this Checked<Initializer> c, Func<Initializer, Initializer?> f) => new(f(c.Value), c.Problems);

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Every field that is set (null fields left out, so they read back as null), in constructor order.</summary>
    public static (string Kind, FieldValue Fields) Write(Layer layer)
    {
        var items = new List<FieldSetting>();
        void Add(string key, string text) => items.Add(new FieldSetting(key, FieldValue.Of(text)));
        switch (layer)
        {
            case Conv2D c:
                Add("filters", Format.Number(c.Filters)); Add("kernel", Format.Number(c.Kernel)); Add("stride", Format.Number(c.Stride));
                if (c.Padding is not null) Add("padding", PaddingText(c.Padding));
                Add("useBias", Bool(c.UseBias));
                if (c.Init is not null) items.Add(new FieldSetting("init", WriteInitializer(c.Init)));
                break;
            case Dense d:
                Add("units", Format.Number(d.Units)); Add("useBias", Bool(d.UseBias));
                if (d.Init is not null) items.Add(new FieldSetting("init", WriteInitializer(d.Init)));
                break;
            case BatchNorm b:
                // The convention is always written out: a run's config.yaml must say which bookkeeping it used.
                Add("convention", b.ConventionName);
                if (b.Momentum is double m) Add("momentum", Format.Number(m));
                if (b.Epsilon is double e) Add("epsilon", Format.Number(e));
                Add("affine", Bool(b.Affine)); Add("trackRunningStats", Bool(b.TrackRunningStats));
                Add("implementation", b.Implementation.ToString().ToLowerInvariant()); Add("window", Format.Number(b.Window));
                if (b.VirtualBatchSize is int vbs) Add("virtualBatchSize", Format.Number(vbs));
                if (b.Renorm is { } rn)
                    items.Add(new FieldSetting("renorm", FieldValue.Map(S("rMax", rn.RMax), S("dMax", rn.DMax),
                        new FieldSetting("warmupSteps", FieldValue.Of(Format.Number(rn.WarmupSteps))),
                        new FieldSetting("rampSteps", FieldValue.Of(Format.Number(rn.RampSteps))))));
                break;
            case Activation a:
                Add("kind", a.KindText);
                if (a.Alpha is double alpha) Add("alpha", Format.Number(alpha));
                break;
            case MaxPool p:
                Add("size", Format.Number(p.Size));
                if (p.Stride is int ms) Add("stride", Format.Number(ms));
                break;
            case AvgPool p:
                Add("size", Format.Number(p.Size));
                if (p.Stride is int avs) Add("stride", Format.Number(avs));
                break;
            case Dropout dr:
                Add("rate", Format.Number(dr.Rate));
                break;
            case LayerNorm n:
                Add("epsilon", Format.Number(n.Epsilon)); Add("affine", Bool(n.Affine));
                break;
            case GroupNorm g:
                Add("groups", Format.Number(g.Groups)); Add("epsilon", Format.Number(g.Epsilon)); Add("affine", Bool(g.Affine));
                break;
            case InstanceNorm i:
                Add("epsilon", Format.Number(i.Epsilon)); Add("affine", Bool(i.Affine)); Add("trackRunningStats", Bool(i.TrackRunningStats));
                break;
            case Noise z:
                Add("meanStd", Format.Number(z.MeanStd)); Add("scaleStd", Format.Number(z.ScaleStd)); Add("every", Format.Number(z.Every));
                break;
        }
        if (layer.Name is not null) Add("name", layer.Name);
        if (!layer.Trainable) Add("trainable", "false");
        return (layer.KindName, new FieldValue.Fields(items.ToSeq().Strict()));
    }

    /// <summary>(Not <c>Padding.ToString()</c>: the derived records' generated ToString replaces the base's.)</summary>
    public static string PaddingText(Padding padding) => padding switch
    {
        Padding.Explicit e => Format.Number(e.Amount),
        Padding.Same => "same",
        _ => "valid",
    };

    static string Bool(bool v) => v ? "true" : "false";

    public static FieldValue WriteInitializer(Initializer init) => init switch
    {
        Normal n => FieldValue.Map(new FieldSetting("normal", FieldValue.Map(S("mean", n.Mean), S("std", n.Std)))),
        Uniform u => FieldValue.Map(new FieldSetting("uniform", FieldValue.Map(S("low", u.Low), S("high", u.High)))),
        _ => FieldValue.Of(init.KindName),
    };

    static FieldSetting S(string key, double v) => new(key, FieldValue.Of(Format.Number(v)));

    /// <summary>
    /// <paramref name="layer"/> with the fields of <paramref name="patch"/> replaced (the layer's kind cannot change).
    /// Problems (unknown fields, wrong types) are under <paramref name="path"/>, the override's path.
    /// </summary>
    public static Validation<Problem, Layer> Patch(Layer layer, Seq<FieldSetting> patch, string path)
    {
        var (kind, written) = Write(layer);
        var current = ((FieldValue.Fields)written).Items;
        var merged = current.Map(i => patch.Find(p => p.Key == i.Key).IfNone(i))
                     + patch.Filter(p => !current.Exists(i => i.Key == p.Key));
        // Unknown keys are reported only for the patch (the written fields are always known).
        return Read(kind, new FieldValue.Fields(merged.Strict()), path);
    }
}
