using NormLab.Core.Data;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace NormLab.Host.Yaml;

/// <summary>
/// Core records → YAML nodes, the inverse of <see cref="SpecReader"/>/<see cref="ExperimentReader"/>: every field that is
/// set is written (layers through <see cref="LayerCodec.Write"/>, so a BN layer always states its convention), numbers in
/// the invariant culture's shortest round-trip form, so that reading the text back gives equal records.
/// Layers, shapes and small mappings are written in flow style (<c>- dense: {units: 300, useBias: true}</c>).
/// </summary>
public static class SpecWriter
{
    static YamlScalarNode Text(string value) =>
        new(value) { Style = value.Contains('\n') || value.Trim() != value || value.Length == 0 ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };

    static YamlScalarNode Number(double value) => new(Format.Number(value));

    static YamlScalarNode Number(long value) => new(Format.Number(value));

    static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    static YamlSequenceNode Flow(IEnumerable<YamlNode> items) => new(items) { Style = SequenceStyle.Flow };

    static YamlMappingNode FlowMap(params (string Key, YamlNode Value)[] items)
    {
        var m = Map(items);
        m.Style = MappingStyle.Flow;
        return m;
    }

    static YamlMappingNode Map(params (string Key, YamlNode Value)[] items)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in items) m.Add(new YamlScalarNode(k), v);
        return m;
    }

    /// <summary>A <see cref="FieldValue"/> as flow YAML.</summary>
    public static YamlNode Field(FieldValue value) => value switch
    {
        FieldValue.Fields f => FlowMap(f.Items.Map(i => (i.Key, Field(i.Value))).ToArray()),
        FieldValue.Scalar s => Text(s.Text),
        _ => new YamlScalarNode(""),
    };

    public static YamlNode Layer(Layer layer)
    {
        var (kind, fields) = LayerCodec.Write(layer);
        // A bare activation reads back the same: `- activation: relu`.
        var value = fields is FieldValue.Fields { Items.Count: 1 } f && f.Items[0].Key == "kind" && layer is Activation
            ? Field(f.Items[0].Value) : Field(fields);
        return Map((kind, value));
    }

    public static YamlMappingNode Network(Network network) => Map(
        ("name", Text(network.Name)),
        ("inputShape", Flow(network.InputShape.Map(d => (YamlNode)Number(d)))),
        ("layers", new YamlSequenceNode(network.Layers.Map(Layer))));

    static YamlNode Overrides(Seq<LayerOverride> overrides)
    {
        var m = new YamlMappingNode();
        foreach (var o in overrides) m.Add(new YamlScalarNode(o.Selector), Field(new FieldValue.Fields(o.Fields)));
        return m;
    }

    public static YamlNode Model(ModelSpec spec)
    {
        switch (spec)
        {
            case ModelSpec.Named { Overrides.IsEmpty: true } n:
                return Text(n.Name);
            case ModelSpec.Named n:
                return Map(("preset", Text(n.Name)), ("override", Overrides(n.Overrides)));
            case ModelSpec.Inline i:
                var m = Network(i.Network);
                if (!i.Overrides.IsEmpty) m.Add("override", Overrides(i.Overrides));
                return m;
            default:
                return new YamlScalarNode("");
        }
    }

    public static YamlNode Dataset(DatasetSpec d)
    {
        var m = Map(("source", Text(d.Source)));
        d.Validation.IfSome(v => m.Add("validation", v switch
        {
            ValidationSplit.Count c => FlowMap(("count", Number(c.Images)), ("from", Text(From(c.From)))),
            ValidationSplit.Fraction f => FlowMap(("fraction", Number(f.Value)), ("from", Text(From(f.From)))),
            _ => new YamlScalarNode(""),
        }));
        m.Add("preprocess", d.Preprocess == Preprocessing.Standardize ? "standardize" : "scale01");
        if (d.DataDir is not null) m.Add("dataDir", Text(d.DataDir));
        d.TrainCount.IfSome(n => m.Add("trainCount", Number(n)));
        return m;
    }

    static string From(SplitFrom from) => from == SplitFrom.End ? "end" : "start";

    public static YamlNode Optimizer(OptimizerSpec o) => o switch
    {
        OptimizerSpec.Sgd s => FlowMap(("type", Text("sgd")), ("lr", Number(s.Lr)), ("momentum", Number(s.Momentum)),
            ("dampening", Number(s.Dampening)), ("weightDecay", Number(s.WeightDecay)), ("nesterov", Bool(s.Nesterov))),
        OptimizerSpec.Adam a => FlowMap(("type", Text("adam")), ("lr", Number(a.Lr)), ("beta1", Number(a.Beta1)),
            ("beta2", Number(a.Beta2)), ("eps", Number(a.Eps)), ("weightDecay", Number(a.WeightDecay)), ("amsgrad", Bool(a.Amsgrad))),
        OptimizerSpec.RmsProp r => FlowMap(("type", Text("rmsprop")), ("lr", Number(r.Lr)), ("alpha", Number(r.Alpha)),
            ("eps", Number(r.Eps)), ("weightDecay", Number(r.WeightDecay)), ("momentum", Number(r.Momentum)), ("centered", Bool(r.Centered))),
        _ => new YamlScalarNode(""),
    };

    public static YamlNode Probe(ProbeSpec p)
    {
        var m = FlowMap(("type", Text(p.TypeName)));
        p.LayerName.IfSome(l => m.Add("layer", Text(l)));
        m.Add("every", Number(p.Every));
        if (p is ProbeSpec.Percentiles pc) m.Add("percentiles", Flow(pc.Values.Map(v => (YamlNode)Number(v))));
        if (p is ProbeSpec.Landscape ls) m.Add("stepSizes", Flow(ls.StepSizes.Map(v => (YamlNode)Number(v))));
        return m;
    }

    static YamlSequenceNode Probes(Seq<ProbeSpec> probes) => new(probes.Map(Probe));

    static YamlNode Reported(ReportedResult r)
    {
        var m = FlowMap();
        r.TestAccuracy.IfSome(a => m.Add("testAccuracy", Number(a)));
        r.WallSeconds.IfSome(s => m.Add("wallSeconds", Number(s)));
        return m;
    }

    static void AddBudget(YamlMappingNode m, Budget b) => m.Add(b.Key, Number(b.Value));

    static YamlNode Sampler(SamplerSpec s) => FlowMap(("classesPerBatch", Number(s.ClassesPerBatch)));

    /// <summary><c>study:</c> as the reader takes it, every analysis field written out.</summary>
    static YamlNode Study(StudySpec s)
    {
        var a = FlowMap(("type", Text(s.Analysis.TypeName)));
        switch (s.Analysis)
        {
            case StudyAnalysis.ErrorVsBatch e: a.Add("x", Text(e.X)); a.Add("bn", Text(e.Bn)); a.Add("gn", Text(e.Gn)); a.Add("reference", Number(e.Reference)); break;
            case StudyAnalysis.AccuracyVsLearningRate l: a.Add("x", Text(l.X)); a.Add("bn", Text(l.Bn)); a.Add("noBn", Text(l.NoBn)); break;
            case StudyAnalysis.StepsToBaseline b: a.Add("baseline", Text(b.Baseline)); break;
            case StudyAnalysis.AccuracyBySetting st:
                a.Add("bn", Text(st.Bn));
                var settings = new YamlMappingNode();
                foreach (var x in st.Settings)
                {
                    var methods = FlowMap();
                    foreach (var (method, variant) in x.Methods) methods.Add(method, Text(variant));
                    settings.Add(new YamlScalarNode(x.Label), methods);
                }
                a.Style = MappingStyle.Block;
                a.Add("settings", settings);
                break;
            case StudyAnalysis.AccuracyVsWidth w:
                a.Add("x", Text(w.X)); a.Add("full", Text(w.Full)); a.Add("bnOnly", Text(w.BnOnly)); a.Add("outputOnly", Text(w.OutputOnly)); a.Add("chance", Number(w.Chance));
                break;
            case StudyAnalysis.Landscape l: a.Add("bn", Text(l.Bn)); a.Add("noBn", Text(l.NoBn)); a.Add("noisy", Text(l.Noisy)); break;
        }
        return Map(("paper", Text(s.Paper)), ("claim", Text(s.Claim)), ("analysis", a));
    }

    static void AddTrainOnlyAndPreciseBn(YamlMappingNode m, Seq<string> trainOnly, Option<PreciseBnSpec> precise)
    {
        if (!trainOnly.IsEmpty) m.Add("trainOnly", Flow(trainOnly.Map(k => (YamlNode)Text(k))));
        precise.IfSome(p => m.Add("preciseBn", FlowMap(("batches", Number(p.Batches)))));
    }

    public static YamlMappingNode Experiment(ExperimentSpec e)
    {
        var m = Map(("name", Text(e.Name)), ("description", Text(e.Description)), ("dataset", Text(e.Dataset)),
            ("model", Model(e.Model)), ("optimizer", Optimizer(e.Optimizer)), ("loss", Text(e.Loss)),
            ("batchSize", Number(e.BatchSize)));
        AddBudget(m, e.Budget);
        e.EvalEvery.IfSome(n => m.Add("evalEvery", Number(n)));
        m.Add("seeds", Flow(e.Seeds.Map(s => (YamlNode)Number(s))));
        e.Threads.IfSome(t => m.Add("threads", Number(t)));
        e.Device.IfSome(d => m.Add("device", Text(d.Name())));
        AddTrainOnlyAndPreciseBn(m, e.TrainOnly, e.PreciseBn);
        e.CheckpointEvery.IfSome(c => m.Add("checkpointEvery", Number(c)));
        e.Sampler.IfSome(s => m.Add("sampler", Sampler(s)));
        if (!e.Probes.IsEmpty) m.Add("probes", Probes(e.Probes));
        if (!e.Variants.IsEmpty)
        {
            var vs = new YamlMappingNode();
            foreach (var v in e.Variants) vs.Add(new YamlScalarNode(v.Name), Variant(v));
            m.Add("variants", vs);
        }
        e.Sweep.IfSome(sweep =>
        {
            var sm = new YamlMappingNode();
            foreach (var a in sweep.Axes) sm.Add(new YamlScalarNode(a.Field), Flow(a.Values.Map(x => (YamlNode)Text(x))));
            if (sweep.Zip) sm.Add(Sweep.ZipKey, Bool(true));
            m.Add("sweep", sm);
        });
        e.Baseline.IfSome(b => m.Add("baseline", Text(b)));
        e.Study.IfSome(s => m.Add("study", Study(s)));
        if (!e.Reported.IsEmpty)
        {
            var rs = new YamlMappingNode();
            foreach (var (k, v) in e.Reported) rs.Add(new YamlScalarNode(k), Reported(v));
            m.Add("reported", rs);
        }
        return m;
    }

    static YamlMappingNode Variant(VariantSpec v)
    {
        var m = new YamlMappingNode();
        v.Description.IfSome(d => m.Add("description", Text(d)));
        v.Model.IfSome(x => m.Add("model", Model(x)));
        v.Optimizer.IfSome(o => m.Add("optimizer", Optimizer(o)));
        v.BatchSize.IfSome(b => m.Add("batchSize", Number(b)));
        v.Budget.IfSome(b => AddBudget(m, b));
        v.EvalEvery.IfSome(n => m.Add("evalEvery", Number(n)));
        v.Dataset.IfSome(d => m.Add("dataset", Text(d)));
        v.Probes.IfSome(p => m.Add("probes", Probes(p)));
        v.Sampler.IfSome(s => m.Add("sampler", Sampler(s)));
        if (m.Children.Count == 0) m.Style = MappingStyle.Flow;
        return m;
    }

    public static YamlMappingNode File(ExperimentFile file)
    {
        var m = new YamlMappingNode();
        if (!file.Datasets.IsEmpty)
        {
            var ds = new YamlMappingNode();
            foreach (var (k, v) in file.Datasets) ds.Add(new YamlScalarNode(k), Dataset(v));
            m.Add("datasets", ds);
        }
        if (!file.Models.IsEmpty)
        {
            var ms = new YamlMappingNode();
            foreach (var (k, v) in file.Models) ms.Add(new YamlScalarNode(k), Model(v));
            m.Add("models", ms);
        }
        m.Add("experiments", new YamlSequenceNode(file.Experiments.Map(e => (YamlNode)Experiment(e))));
        return m;
    }

    /// <summary>A run's resolved configuration: everything it used, with the model spelled out layer by layer.</summary>
    public static YamlMappingNode RunPlan(RunPlan p)
    {
        var dataset = (YamlMappingNode)Dataset(p.Dataset);
        var named = Map(("name", Text(p.DatasetName)));
        foreach (var c in dataset.Children) named.Add(c.Key, c.Value);
        var m = Map(("experiment", Text(p.ExperimentName)), ("variant", Text(p.VariantName)), ("seed", Number(p.Seed)),
            ("description", Text(p.Description)), ("dataset", named), ("model", Network(p.Network)),
            ("optimizer", Optimizer(p.Optimizer)), ("loss", Text(p.Loss)), ("batchSize", Number(p.BatchSize)));
        AddBudget(m, p.Budget);
        p.EvalEvery.IfSome(n => m.Add("evalEvery", Number(n)));
        m.Add("probes", Probes(p.Probes));
        p.Threads.IfSome(t => m.Add("threads", Number(t)));
        m.Add("device", Text(p.Device.Name()));
        AddTrainOnlyAndPreciseBn(m, p.TrainOnly, p.PreciseBn);
        p.CheckpointEvery.IfSome(c => m.Add("checkpointEvery", Number(c)));
        p.Sampler.IfSome(s => m.Add("sampler", Sampler(s)));
        p.Reported.IfSome(r => m.Add("reported", Reported(r)));
        return m;
    }

    /// <summary>The text of one YAML document (no document markers), '\n' line ends.</summary>
    public static string Emit(YamlNode root)
    {
        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\r\n", "\n");
        // YamlStream ends a document with "...": not needed for a single document.
        if (text.EndsWith("...\n", StringComparison.Ordinal)) text = text[..^4];
        return text;
    }
}
