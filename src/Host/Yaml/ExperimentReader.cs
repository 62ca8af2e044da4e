using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>
/// The top of an experiments file: <c>datasets</c>, <c>models</c>, <c>defaults</c> (seeds, threads, device, batchSize, evalEvery,
/// loss for every experiment that leaves them out) and <c>experiments</c>, each with its variants. Builds on
/// <see cref="SpecReader"/> for the parts.
/// </summary>
public sealed class ExperimentReader
{
    readonly YamlReader r;
    readonly SpecReader spec;

    public ExperimentReader(YamlReader reader)
    {
        r = reader;
        spec = new SpecReader(reader);
    }

    public static Seq<string> FileKeys => Seq("datasets", "models", "defaults", "experiments");

    public static Seq<string> ExperimentKeys => Seq("name", "description", "dataset", "model", "optimizer", "loss", "batchSize",
        "epochs", "steps", "evalEvery", "seeds", "threads", "device", "probes", "variants", "sweep", "baseline", "reported", "trainOnly", "preciseBn", "checkpointEvery", "study", "sampler");

    public static Seq<string> DefaultKeys => Seq("seeds", "threads", "device", "batchSize", "evalEvery", "loss", "checkpointEvery");

    /// <summary>What <c>defaults:</c> sets; null fields are not set.</summary>
    sealed record Defaults(Seq<int>? Seeds = null, int? Threads = null, int? BatchSize = null, int? EvalEvery = null, string? Loss = null,
        DeviceKind? Device = null, int? CheckpointEvery = null);

    public ExperimentFile? File(YamlNode root)
    {
        if (YamlReader.IsNull(root)) { r.Error("", "the file is empty — it needs an experiments list"); return null; }
        var m = r.Mapping(root, "", "an experiments file", FileKeys);
        if (m is null) return null;
        m.Required("experiments");

        var datasets = Named(m["datasets"], "datasets", (n, p, _) => spec.Dataset(n, p));
        var models = Named(m["models"], "models", spec.Model);
        var defaults = m["defaults"] is { } d ? DefaultsOf(d, "defaults") : new Defaults();
        Seq<ExperimentSpec>? experiments = null;
        if (m["experiments"] is { } e && r.List(e, "experiments", "[{name: ..., dataset: ..., model: ...}]") is { } list)
        {
            var parsed = list.Children.Select((n, i) => Experiment(n, ProblemPath.Index("experiments", i), defaults ?? new Defaults())).ToList();
            if (parsed.All(x => x is not null)) experiments = parsed.Select(x => x!).ToSeq().Strict();
        }
        if (datasets is null || models is null || defaults is null || experiments is null || r.HasProblems) return null;
        return new ExperimentFile(datasets.Value, models.Value, experiments.Value);
    }

    /// <summary>A mapping of names to things (datasets, models); duplicate names are YAML's own error.</summary>
    Map<string, T>? Named<T>(YamlNode? node, string path, Func<YamlNode, string, string, T?> read) where T : class
    {
        if (node is null || YamlReader.IsNull(node)) return Map<string, T>();
        r.Mark(path, node);
        if (node is not YamlMappingNode m)
        {
            r.Error(path, $"expected a mapping of names to definitions, got {YamlReader.Describe(node)}");
            return null;
        }
        var result = Map<string, T>();
        var ok = true;
        foreach (var (k, v) in m.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var item = read(v, ProblemPath.Join(path, name), name);
            if (item is null) ok = false;
            else result = result.AddOrUpdate(name, item);
        }
        return ok ? result : null;
    }

    Defaults? DefaultsOf(YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "defaults for every experiment", DefaultKeys);
        if (m is null) return null;
        var before = r.Problems.Count;
        var result = new Defaults(m["seeds"] is { } s ? Seeds(s, m.PathOf("seeds")) : null, m.Int("threads"), m.Int("batchSize"),
            m.Int("evalEvery"), m.Text("loss"), DeviceOf(m), m.Int("checkpointEvery"));
        return r.Problems.Count == before ? result : null;
    }

    /// <summary><c>device: cpu | cuda | auto</c>; null when absent or not one of them (then a problem at its path).</summary>
    DeviceKind? DeviceOf(MappingView m) => Device(r, m);

    internal static DeviceKind? Device(YamlReader r, MappingView m)
    {
        if (m.Text("device") is not { } text) return null;
        var parsed = DeviceKinds.Parse(text);
        if (parsed.IsNone) r.Error(m.PathOf("device"), Suggestions.Unknown("device", text, DeviceKinds.Names));
        return parsed.IsSome ? parsed.IfNone(DeviceKinds.Default) : null;
    }

    Seq<int>? Seeds(YamlNode node, string path)
    {
        var seeds = spec.Ints(node, path, "[1, 2, 3]");
        if (seeds is { IsEmpty: true }) r.Error(path, "must list at least one seed");
        return seeds is { IsEmpty: false } ? seeds : null;
    }

    /// <summary><c>epochs: N</c> or <c>steps: N</c>; both is a problem, and so is neither when <paramref name="required"/>.</summary>
    Option<Budget>? BudgetOf(MappingView m, bool required)
    {
        if (m.Has("epochs") && m.Has("steps"))
        {
            r.Error(m.Path, "give either epochs or steps, not both");
            return null;
        }
        if (m.Has("epochs")) return m.Int("epochs") is int e ? Some<Budget>(new Budget.Epochs(e)) : (Option<Budget>?)null;
        if (m.Has("steps")) return m.Int("steps") is int s ? Some<Budget>(new Budget.Steps(s)) : (Option<Budget>?)null;
        if (!required) return Option<Budget>.None;
        r.Error(m.Path, "needs a training budget: epochs: N or steps: N");
        return null;
    }

    ExperimentSpec? Experiment(YamlNode node, string path, Defaults defaults)
    {
        var m = r.Mapping(node, path, "an experiment", ExperimentKeys);
        if (m is null) return null;
        var before = r.Problems.Count;
        m.Required("name");
        m.Required("dataset", " (a dataset of this file, or mnist / fashion-mnist)");
        m.Required("model", " (a preset, a model of this file, or {inputShape, layers})");
        m.Required("optimizer", " (e.g. {type: sgd, lr: 0.01})");
        var name = m.Text("name") ?? "";
        var description = m.Text("description") ?? "";
        var dataset = m.Text("dataset");
        var model = m["model"] is { } mn ? spec.Model(mn, m.PathOf("model"), name) : null;
        var optimizer = m["optimizer"] is { } on ? spec.Optimizer(on, m.PathOf("optimizer")) : null;
        var loss = m.Text("loss") ?? defaults.Loss ?? ExperimentSpec.CrossEntropy;
        var batchSize = m.Int("batchSize") ?? defaults.BatchSize ?? 32;
        var budget = BudgetOf(m, required: true);
        var evalEvery = m.Int("evalEvery") ?? defaults.EvalEvery;
        var seeds = m["seeds"] is { } sn ? Seeds(sn, m.PathOf("seeds")) : defaults.Seeds ?? ExperimentSpec.DefaultSeeds;
        var threads = m.Int("threads") ?? defaults.Threads;
        var device = DeviceOf(m) ?? defaults.Device;
        var checkpointEvery = m.Int("checkpointEvery") ?? defaults.CheckpointEvery;
        var probes = m["probes"] is { } pn ? spec.Probes(pn, m.PathOf("probes")) : Seq<ProbeSpec>();
        var reported = m["reported"] is { } rn ? Reported(rn, m.PathOf("reported")) : Map<string, ReportedResult>();
        var trainOnly = m["trainOnly"] is { } tn ? TrainOnly(r, tn, m.PathOf("trainOnly")) : Seq<string>();
        var precise = m["preciseBn"] is { } pb ? PreciseBn(r, pb, m.PathOf("preciseBn")) : null;
        var sweep = m["sweep"] is { } swn ? SweepOf(swn, m.PathOf("sweep")) : null;
        var baseline = m.Text("baseline");
        var study = m["study"] is { } stn ? StudyReader.Study(r, stn, m.PathOf("study")) : null;
        var sampler = m["sampler"] is { } smn ? Sampler(r, smn, m.PathOf("sampler")) : null;
        Seq<VariantSpec>? variants = Seq<VariantSpec>();
        if (m["variants"] is { } vn && model is not null && optimizer is not null)
            variants = Variants(vn, m.PathOf("variants"), model, optimizer);
        if (r.Problems.Count != before || dataset is null || model is null || optimizer is null || budget is null
            || seeds is null || probes is null || reported is null || variants is null || trainOnly is null
            || (m.Has("preciseBn") && precise is null) || (m.Has("sweep") && sweep is null) || (m.Has("study") && study is null) || (m.Has("sampler") && sampler is null))
            return null;
        return new ExperimentSpec(name, dataset, model, optimizer, budget.Value.IfNone(() => new Budget.Epochs(1)), description,
            loss, batchSize, evalEvery is int ev ? Some(ev) : None, seeds.Value, threads is int t ? Some(t) : None, probes.Value,
            variants.Value, reported.Value, device is DeviceKind dk ? Some(dk) : None, trainOnly.Value,
            precise is null ? None : Some(precise), sweep is null ? None : Some(sweep), baseline is null ? None : Some(baseline),
            checkpointEvery is int ce ? Some(ce) : None, study is null ? None : Some(study), sampler is null ? None : Some(sampler));
    }

    /// <summary><c>sampler: {classesPerBatch: 2}</c> — every training batch drawn from two classes.</summary>
    public static SamplerSpec? Sampler(YamlReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a sampler", SamplerSpec.Keys);
        if (m is null) return null;
        m.Required("classesPerBatch", " (how many classes each training batch is drawn from)");
        return m.Int("classesPerBatch") is int k ? new SamplerSpec(k) : null;
    }

    /// <summary><c>trainOnly: [batch_norm]</c> — a list of layer kinds.</summary>
    public static Seq<string>? TrainOnly(YamlReader r, YamlNode node, string path)
    {
        var list = r.List(node, path, "[batch_norm]");
        if (list is null) return null;
        var kinds = list.Children.Select((n, i) => r.Scalar(n, ProblemPath.Index(path, i), "a layer kind")).ToList();
        if (kinds.Count == 0) { r.Error(path, "must list at least one layer kind (leave it out to train every layer)"); return null; }
        return kinds.Any(k => k is null) ? null : kinds.Select(k => k!.Trim()).ToSeq().Strict();
    }

    /// <summary><c>preciseBn: {batches: 200}</c>.</summary>
    public static PreciseBnSpec? PreciseBn(YamlReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "preciseBn", Seq1("batches"));
        if (m is null) return null;
        m.Required("batches", " (training batches to re-estimate the BN statistics over)");
        return m.Int("batches") is int b ? new PreciseBnSpec(b) : null;
    }

    /// <summary><c>sweep: {batchSize: [2, 4, 8], optimizer.lr: [0.01, 0.1], zip: false}</c>: every key but <c>zip</c> is an
    /// axis, its value a list of scalars (or one scalar). Which fields exist is Core's question (<see cref="Sweeps"/>).</summary>
    Sweep? SweepOf(YamlNode node, string path)
    {
        r.Mark(path, node);
        if (node is not YamlMappingNode m)
        {
            r.Error(path, $"expected a mapping of fields to their values, e.g. {{batchSize: [16, 32, 64], optimizer.lr: [0.01, 0.1]}}, got {YamlReader.Describe(node)}");
            return null;
        }
        var before = r.Problems.Count;
        var axes = new List<SweepAxis>();
        var zip = false;
        foreach (var (k, v) in m.Children)
        {
            var field = (k as YamlScalarNode)?.Value ?? "";
            var at = ProblemPath.Join(path, field);
            // zip's problem is its value; an axis's is its field name (its values have their own paths).
            r.Mark(at, field == Sweep.ZipKey ? v : k);
            if (field == Sweep.ZipKey)
            {
                zip = r.Bool(v, at) ?? false;
                continue;
            }
            var items = v is YamlSequenceNode seq ? seq.Children.ToList() : [v];
            var values = new List<string>();
            foreach (var (item, i) in items.Select((item, i) => (item, i)))
            {
                var vpath = ProblemPath.Index(at, i);
                r.Mark(vpath, item);
                if (item is YamlScalarNode { Value: { } text } && !YamlReader.IsNull(item)) values.Add(text.Trim());
                else r.Error(vpath, $"expected one value (a number or a name), got {YamlReader.Describe(item)} — sweep one field per axis, e.g. override.all:batch_norm.convention: [torch, keras]");
            }
            axes.Add(new SweepAxis(field, values.ToSeq().Strict()));
        }
        return r.Problems.Count == before ? new Sweep(axes.ToSeq().Strict(), zip) : null;
    }

    Map<string, ReportedResult>? Reported(YamlNode node, string path) =>
        Named(node, path, (n, p, _) =>
        {
            var m = r.Mapping(n, p, "a reported result", Seq("testAccuracy", "wallSeconds"));
            if (m is null) return null;
            var before = r.Problems.Count;
            var accuracy = m.Double("testAccuracy");
            var seconds = m.Double("wallSeconds");
            return r.Problems.Count != before ? null : new ReportedResult(
                accuracy is double a ? Some(a) : None, seconds is double s ? Some(s) : None);
        });

    /// <summary>Experiment keys that a variant may not change: they describe the experiment as a whole.</summary>
    static readonly Seq<string> WholeExperimentKeys = Seq("name", "seeds", "threads", "device", "loss", "variants", "sweep", "baseline", "reported",
        "trainOnly", "preciseBn", "study");

    Seq<VariantSpec>? Variants(YamlNode node, string path, ModelSpec baseModel, OptimizerSpec baseOptimizer)
    {
        r.Mark(path, node);
        if (node is not YamlMappingNode m)
        {
            r.Error(path, $"expected a mapping of variant names to overrides (e.g. {{bn: {{model: lenet5_bn_all}}, no-bn: {{model: lenet5}}}}), got {YamlReader.Describe(node)}");
            return null;
        }
        var result = new List<VariantSpec>();
        var ok = true;
        foreach (var (k, v) in m.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var variant = Variant(v, ProblemPath.Join(path, name), name, baseModel, baseOptimizer);
            if (variant is null) ok = false;
            else result.Add(variant);
        }
        return ok ? result.ToSeq().Strict() : null;
    }

    VariantSpec? Variant(YamlNode node, string path, string name, ModelSpec baseModel, OptimizerSpec baseOptimizer)
    {
        r.Mark(path, node);
        if (YamlReader.IsNull(node)) return new VariantSpec(name);
        if (node is not YamlMappingNode mapping)
        {
            r.Error(path, $"expected the fields this variant changes as a mapping (or {{}} for none), got {YamlReader.Describe(node)}");
            return null;
        }
        // Keys an experiment has but a variant cannot change get their own message rather than a spelling hint.
        foreach (var (k, _) in mapping.Children)
            if (k is YamlScalarNode { Value: { } key } && WholeExperimentKeys.Contains(key))
            {
                r.Map.Add(ProblemPath.Join(path, key), YamlReader.Position(k.Start));
                r.Error(ProblemPath.Join(path, key),
                    $"\"{key}\" cannot be set per variant — a variant may set: {string.Join(", ", VariantSpec.Keys)}");
            }
        var filtered = new YamlMappingNode(mapping.Children.Where(c => !(c.Key is YamlScalarNode { Value: { } key } && WholeExperimentKeys.Contains(key))));
        r.Mark(path, node);
        var m = new MappingView(r, filtered, path, $"variant \"{name}\"", VariantSpec.Keys, null);
        var before = r.Problems.Count;
        if (m.Has("model") && m.Has("override"))
            r.Error(path, "give either model (a whole model) or override (changes to the experiment's model), not both");
        var model = m["model"] is { } mn ? spec.Model(mn, m.PathOf("model"), name) : null;
        // Core reports override problems under the variant's model (…variants.bn.model.override.<selector>): read them there.
        if (m["override"] is { } on && spec.Overrides(on, ProblemPath.Join(m.PathOf("model"), "override")) is { } overrides)
            model = baseModel.WithOverrides(overrides);
        var optimizer = m["optimizer"] is { } opt ? spec.Optimizer(opt, m.PathOf("optimizer"), Some(baseOptimizer)) : null;
        var budget = BudgetOf(m, required: false);
        var batchSize = m.Int("batchSize");
        var evalEvery = m.Int("evalEvery");
        var dataset = m.Text("dataset");
        var description = m.Text("description");
        var probes = m["probes"] is { } pn ? spec.Probes(pn, m.PathOf("probes")) : null;
        var sampler = m["sampler"] is { } sn ? Sampler(r, sn, m.PathOf("sampler")) : null;
        if (r.Problems.Count != before || budget is null) return null;
        return new VariantSpec(name,
            description is null ? None : Some(description),
            model is null ? None : Some(model),
            optimizer is null ? None : Some(optimizer),
            batchSize is int b ? Some(b) : None,
            budget.Value,
            evalEvery is int e ? Some(e) : None,
            dataset is null ? None : Some(dataset),
            probes is null ? None : Some(probes.Value),
            sampler is null ? None : Some(sampler));
    }
}
