using NormLab.Core.Data;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>
/// YAML nodes → Core records, by hand over YamlDotNet's representation model, so that every problem has the YAML path
/// (and through <see cref="YamlReader.Map"/> its line and column). Keys are the records' camelCase field names. Layer
/// fields are read by Core's <see cref="LayerCodec"/>; this class reads everything around them.
/// </summary>
public sealed class SpecReader
{
    readonly YamlReader r;

    public SpecReader(YamlReader reader) => r = reader;

    // ---------------------------------------------------------------------------------------------------------------
    // Datasets

    static readonly Seq<(string, Preprocessing)> Preprocessings = Seq(("scale01", Preprocessing.Scale01), ("standardize", Preprocessing.Standardize));
    static readonly Seq<(string, SplitFrom)> Ends = Seq(("start", SplitFrom.Start), ("end", SplitFrom.End));

    public static Seq<string> DatasetKeys => Seq("source", "validation", "preprocess", "dataDir", "trainCount");

    /// <summary><c>{source: fashion-mnist, validation: {count: 5000, from: start}, preprocess: scale01, dataDir: data/}</c>
    /// or a bare source name.</summary>
    public DatasetSpec? Dataset(YamlNode node, string path)
    {
        if (node is YamlScalarNode s)
        {
            r.Mark(path, node);
            return new DatasetSpec(s.Value ?? "");
        }
        var m = r.Mapping(node, path, "a dataset", DatasetKeys);
        if (m is null) return null;
        m.Required("source", " (mnist or fashion-mnist)");
        var source = m.Text("source");
        var validation = m["validation"] is { } v ? Split(v, m.PathOf("validation")) : null;
        var preprocess = m.Has("preprocess") ? m.Word("preprocess", Preprocessings) : Preprocessing.Scale01;
        var dataDir = m.Text("dataDir");
        var trainCount = m.Int("trainCount");
        if (source is null || preprocess is null || (m.Has("validation") && validation is null) || (m.Has("trainCount") && trainCount is null)) return null;
        return new DatasetSpec(source, validation is null ? None : Some(validation), preprocess.Value, dataDir,
            trainCount is int n ? Some(n) : None);
    }

    ValidationSplit? Split(YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a validation split", Seq("count", "fraction", "from"));
        if (m is null) return null;
        if (m.Has("count") == m.Has("fraction"))
        {
            r.Error(path, "give either count (images) or fraction (of the training file), not " + (m.Has("count") ? "both" : "neither"));
            return null;
        }
        var from = m.Has("from") ? m.Word("from", Ends) : SplitFrom.Start;
        if (from is null) return null;
        if (m.Has("count")) return m.Int("count") is int c ? new ValidationSplit.Count(c, from.Value) : null;
        return m.Double("fraction") is double f ? new ValidationSplit.Fraction(f, from.Value) : null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Models

    public static Seq<string> ModelKeys => Seq("preset", "override", "name", "inputShape", "layers");

    /// <summary>
    /// A model: a name (<c>lenet5</c>), <c>{preset: NAME, override: {...}}</c>, or <c>{name, inputShape, layers, override}</c>.
    /// An inline network without a name is called <paramref name="defaultName"/>.
    /// </summary>
    public ModelSpec? Model(YamlNode node, string path, string defaultName)
    {
        if (node is YamlScalarNode s)
        {
            r.Mark(path, node);
            return new ModelSpec.Named(s.Value ?? "");
        }
        var m = r.Mapping(node, path, "a model: a preset name, {preset, override} or {inputShape, layers}", ModelKeys);
        if (m is null) return null;
        var overrides = m["override"] is { } o ? Overrides(o, m.PathOf("override")) : Seq<LayerOverride>();
        if (m.Has("preset") == m.Has("layers"))
        {
            r.Error(path, m.Has("preset")
                ? "give either preset or layers, not both"
                : "give either preset (a preset or a model of this file) or inputShape and layers");
            return null;
        }
        if (m.Has("preset"))
        {
            foreach (var key in Seq("name", "inputShape").Filter(m.Has))
                r.Error(m.PathOf(key), $"{key} belongs to an inline network (layers), not to a preset");
            var preset = m.Text("preset");
            return preset is null || overrides is null ? null : new ModelSpec.Named(preset, overrides.Value);
        }
        var network = NetworkBody(m, defaultName);
        return network is null || overrides is null ? null : new ModelSpec.Inline(network, overrides.Value);
    }

    /// <summary>A network mapping <c>{name, inputShape: [1, 28, 28], layers: [...]}</c>.</summary>
    public Network? Network(YamlNode node, string path, string defaultName = "")
    {
        var m = r.Mapping(node, path, "a network", Seq("name", "inputShape", "layers"));
        return m is null ? null : NetworkBody(m, defaultName);
    }

    Network? NetworkBody(MappingView m, string defaultName)
    {
        m.Required("inputShape", " (e.g. [1, 28, 28])");
        m.Required("layers");
        var name = m.Text("name") ?? defaultName;
        var shape = m["inputShape"] is { } s ? Ints(s, m.PathOf("inputShape"), "[1, 28, 28]") : null;
        var layers = m["layers"] is { } l ? Layers(l, m.PathOf("layers")) : null;
        return shape is null || layers is null ? null : new Network(name, shape.Value, layers.Value);
    }

    public Seq<int>? Ints(YamlNode node, string path, string example)
    {
        var list = r.List(node, path, example);
        if (list is null) return null;
        var values = list.Children.Select((n, i) => r.Int(n, ProblemPath.Index(path, i))).ToList();
        return values.Any(v => v is null) ? null : values.Select(v => v!.Value).ToSeq().Strict();
    }

    /// <summary><c>- conv2d: {filters: 6, kernel: 5}</c>, <c>- activation: relu</c>, <c>- flatten: {}</c> …</summary>
    public Seq<Layer>? Layers(YamlNode node, string path)
    {
        var list = r.List(node, path, "[{dense: {units: 100}}, {activation: relu}]");
        if (list is null) return null;
        var layers = list.Children.Select((item, i) => Layer(item, ProblemPath.Index(path, i))).ToList();
        return layers.Any(l => l is null) ? null : layers.Select(l => l!).ToSeq().Strict();
    }

    Layer? Layer(YamlNode item, string path)
    {
        r.Mark(path, item);
        if (item is not YamlMappingNode { Children.Count: 1 } m || m.Children.First().Key is not YamlScalarNode { Value: { } kind })
        {
            r.Error(path, $"expected a layer as a one-key mapping like \"- dense: {{units: 100}}\" ({string.Join(", ", LayerCodec.Kinds)}), got {YamlReader.Describe(item)}"
                + (item is YamlMappingNode mm ? $" with {mm.Children.Count} keys" : ""));
            return null;
        }
        var valueNode = m.Children.First().Value;
        // The activation's kind may be written bare (`- activation: relu`): its path is the kind field's.
        if (kind == "activation" && valueNode is YamlScalarNode) r.Mark(ProblemPath.Join(path, "kind"), valueNode);
        FieldValue? value = valueNode switch
        {
            YamlMappingNode => r.Field(valueNode, path),
            YamlScalarNode s => FieldValue.Of(s.Value ?? ""),
            _ => null,
        };
        if (value is null)
        {
            r.Error(path, $"expected the fields of {kind} as a mapping, got {YamlReader.Describe(valueNode)}");
            return null;
        }
        var read = LayerCodec.Read(kind, value, path);
        r.AddAll(read.FailToSeq());
        return read.IsSuccess ? read.SuccessToSeq().Head : null;
    }

    /// <summary><c>override: {all:batch_norm: {convention: torch}, dense_2: {units: 50}}</c>.</summary>
    public Seq<LayerOverride>? Overrides(YamlNode node, string path)
    {
        r.Mark(path, node);
        if (node is not YamlMappingNode m)
        {
            r.Error(path, $"expected a mapping from layer names or all:<kind> to fields, got {YamlReader.Describe(node)}");
            return null;
        }
        var result = new List<LayerOverride>();
        var ok = true;
        foreach (var (k, v) in m.Children)
        {
            var selector = (k as YamlScalarNode)?.Value ?? "";
            var at = ProblemPath.Join(path, selector);
            r.Mark(at, k);
            if (v is not YamlMappingNode)
            {
                r.Error(at, $"expected the fields to change as a mapping like {{convention: torch}}, got {YamlReader.Describe(v)}");
                ok = false;
                continue;
            }
            if (r.Field(v, at) is FieldValue.Fields f) result.Add(new LayerOverride(selector, f.Items));
            else ok = false;
        }
        return ok ? result.ToSeq().Strict() : null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Optimizers

    static readonly Dictionary<string, string> OptimizerHints = new()
    {
        ["rho"] = "alpha", ["epsilon"] = "eps", ["learning_rate"] = "lr", ["learningRate"] = "lr", ["weight_decay"] = "weightDecay",
        ["beta_1"] = "beta1", ["beta_2"] = "beta2",
    };

    static Seq<string> OptimizerKeys(string type) => type switch
    {
        "sgd" or "momentum" => Seq("type", "lr", "momentum", "dampening", "weightDecay", "nesterov"),
        "adam" => Seq("type", "lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad"),
        "rmsprop" => Seq("type", "lr", "alpha", "eps", "weightDecay", "momentum", "centered"),
        _ => Seq1("type"),
    };

    /// <summary>
    /// <c>{type: sgd|momentum|adam|rmsprop, lr: …, …}</c> with PyTorch's names and defaults, or a bare type name. Without a
    /// <c>type</c>, the fields patch <paramref name="basis"/> (a variant changing only <c>lr</c>).
    /// </summary>
    public OptimizerSpec? Optimizer(YamlNode node, string path, Option<OptimizerSpec> basis = default)
    {
        var typeText = node switch
        {
            YamlScalarNode s => s.Value ?? "",
            YamlMappingNode m when m.Children.TryGetValue(new YamlScalarNode("type"), out var t) => (t as YamlScalarNode)?.Value,
            _ => null,
        };
        if (node is YamlScalarNode) r.Mark(ProblemPath.Join(path, "type"), node);
        if (typeText is null && basis.IsNone)
        {
            if (node is YamlMappingNode) { r.Mark(path, node); r.Error(ProblemPath.Join(path, "type"), $"is required ({string.Join(", ", OptimizerSpec.TypeNames)})"); }
            else r.Mapping(node, path, "an optimizer", Seq<string>());
            return null;
        }
        var type = typeText?.Trim() ?? basis.Map(b => b.TypeName).IfNone("sgd");
        if (!OptimizerSpec.TypeNames.Contains(type))
        {
            r.Mark(path, node);
            r.Error(ProblemPath.Join(path, "type"), Suggestions.Unknown("optimizer", type, OptimizerSpec.TypeNames));
            return null;
        }
        var fields = node is YamlMappingNode ? r.Mapping(node, path, type, OptimizerKeys(type), OptimizerHints) : null;
        // The record the fields patch: the basis when the type is inherited, else the type's defaults.
        OptimizerSpec start = typeText is null ? basis.IfNone(new OptimizerSpec.Sgd(0.01)) : type switch
        {
            "adam" => new OptimizerSpec.Adam(),
            "rmsprop" => new OptimizerSpec.RmsProp(),
            "momentum" => new OptimizerSpec.Sgd(double.NaN, Momentum: OptimizerSpec.MomentumTypeDefault),
            _ => new OptimizerSpec.Sgd(double.NaN),
        };
        if (start is OptimizerSpec.Sgd { Lr: double.NaN } && fields?.Has("lr") != true)
        {
            r.Mark(path, node);
            r.Error(ProblemPath.Join(path, "lr"), "is required for SGD (PyTorch's SGD has no default; Keras' is 0.01)");
            return null;
        }
        if (fields is null) return start;
        var before = r.Problems.Count;
        double D(string key, double current) => fields.Double(key) ?? current;
        bool B(string key, bool current) => fields.Bool(key) ?? current;
        OptimizerSpec result = start switch
        {
            OptimizerSpec.Sgd s => new OptimizerSpec.Sgd(D("lr", s.Lr), D("momentum", s.Momentum), D("dampening", s.Dampening),
                D("weightDecay", s.WeightDecay), B("nesterov", s.Nesterov)),
            OptimizerSpec.Adam a => new OptimizerSpec.Adam(D("lr", a.Lr), D("beta1", a.Beta1), D("beta2", a.Beta2), D("eps", a.Eps),
                D("weightDecay", a.WeightDecay), B("amsgrad", a.Amsgrad)),
            OptimizerSpec.RmsProp p => new OptimizerSpec.RmsProp(D("lr", p.Lr), D("alpha", p.Alpha), D("eps", p.Eps),
                D("weightDecay", p.WeightDecay), D("momentum", p.Momentum), B("centered", p.Centered)),
            _ => start,
        };
        return r.Problems.Count == before ? result : null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Probes

    static Seq<string> ProbeKeys(string type) => type switch
    {
        "percentiles" => Seq("type", "layer", "every", "percentiles"),
        "batch_stats" => Seq("type", "layer", "every"),
        "grad_norm" => Seq("type", "every", "layer"),
        "landscape" => Seq("type", "every", "stepSizes"),
        _ => Seq1("type"),
    };

    /// <summary><c>- {type: percentiles, layer: hidden3, every: 500, percentiles: [15, 50, 85]}</c>.</summary>
    public Seq<ProbeSpec>? Probes(YamlNode node, string path)
    {
        var list = r.List(node, path, "[{type: percentiles, layer: hidden3, every: 500}]");
        if (list is null) return null;
        var probes = list.Children.Select((n, i) => Probe(n, ProblemPath.Index(path, i))).ToList();
        return probes.Any(p => p is null) ? null : probes.Select(p => p!).ToSeq().Strict();
    }

    ProbeSpec? Probe(YamlNode node, string path)
    {
        var type = node is YamlMappingNode mm && mm.Children.TryGetValue(new YamlScalarNode("type"), out var t)
            ? (t as YamlScalarNode)?.Value?.Trim() : null;
        var m = r.Mapping(node, path, type is null ? "a probe" : $"a {type} probe", ProbeKeys(type ?? ""));
        if (m is null) return null;
        if (type is null || !ProbeSpec.TypeNames.Contains(type))
        {
            r.Error(m.PathOf("type"), type is null
                ? $"is required ({string.Join(", ", ProbeSpec.TypeNames)})"
                : Suggestions.Unknown("probe type", type, ProbeSpec.TypeNames));
            return null;
        }
        var before = r.Problems.Count;
        m.Required("every", " (steps between measurements)");
        if (type is not ("grad_norm" or "landscape")) m.Required("layer", " (a layer name, e.g. dense_2)");
        var every = m.Int("every");
        var layer = m.Text("layer");
        Seq<double>? values = null;
        if (m["percentiles"] is { } pn)
        {
            var list = r.List(pn, m.PathOf("percentiles"), "[15, 50, 85]");
            if (list is not null)
            {
                var parsed = list.Children.Select((n, i) => r.Double(n, ProblemPath.Index(m.PathOf("percentiles"), i))).ToList();
                if (parsed.Count == 0) r.Error(m.PathOf("percentiles"), "must list at least one percentile (leave it out for [15, 50, 85])");
                else if (parsed.All(p => p is not null)) values = parsed.Select(p => p!.Value).ToSeq().Strict();
            }
        }
        Seq<double>? stepSizes = null;
        if (m["stepSizes"] is { } sn && r.List(sn, m.PathOf("stepSizes"), "[0.05, 0.1, 0.2]") is { } steps)
        {
            var parsed = steps.Children.Select((n, i) => (i, v: r.Double(n, ProblemPath.Index(m.PathOf("stepSizes"), i)))).ToList();
            if (parsed.Count == 0) r.Error(m.PathOf("stepSizes"), "must list at least one step size (leave it out for [0.025, 0.05, 0.1, 0.2, 0.4])");
            foreach (var (i, v) in parsed.Where(p => p.v is <= 0 or double.NaN or double.PositiveInfinity))
                r.Error(ProblemPath.Index(m.PathOf("stepSizes"), i), $"must be a step size > 0 (got {Core.Format.Number(v!.Value)})");
            if (parsed.All(p => p.v is not null)) stepSizes = parsed.Select(p => p.v!.Value).ToSeq().Strict();
        }
        if (r.Problems.Count != before || every is null) return null;
        return type switch
        {
            "landscape" => new ProbeSpec.Landscape(every.Value, stepSizes ?? default),
            "percentiles" => new ProbeSpec.Percentiles(layer!, every.Value, values ?? default),
            "batch_stats" => new ProbeSpec.BatchStats(layer!, every.Value),
            _ => new ProbeSpec.GradNorm(every.Value, layer is null ? None : Some(layer)),
        };
    }
}
