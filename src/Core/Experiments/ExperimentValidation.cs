using NormLab.Core.Data;
using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// Everything that can be wrong with an <see cref="ExperimentFile"/>'s meaning, reported at once with paths:
/// datasets (source, split), models (resolution, overrides, network problems), and for every experiment its name
/// (empty, duplicate), references (dataset, model — with "did you mean"), numbers (batch size, budget, evalEvery,
/// threads, optimizer), seeds, loss, variants (duplicates, their overrides) and probes (the probed layer must exist in
/// every variant's network that uses the probe). On success, every run the file defines, in order.
/// </summary>
public static class ExperimentValidation
{
    public static Validation<Problem, Seq<RunPlan>> Validate(ExperimentFile file)
    {
        var datasetProblems = file.Datasets.ToSeq().Bind(kv => DatasetProblems(kv.Value, ProblemPath.Join("datasets", kv.Key))).Strict();
        var models = file.Models.ToSeq()
            .Map(kv => (kv.Key, net: ResolveFileModel(kv.Key, kv.Value, ProblemPath.Join("models", kv.Key)))).Strict();
        var modelProblems = models.Bind(m => m.net.Match(_ => Seq<Problem>(), f => f)).Strict();
        var catalog = new ModelCatalog(toMap(models.Bind(m => m.net.Match(n => Seq1((m.Key, n)), _ => Seq<(string, Network)>()))));
        var brokenModels = models.Filter(m => m.net.IsFail).Map(m => m.Key).Strict();

        var experiments = file.Experiments.Indexed().Map(p => ValidateExperiment(file, catalog, brokenModels, p.Item, p.Index,
            ProblemPath.Index("experiments", p.Index))).Strict();
        var problems = (datasetProblems + modelProblems
                       + experiments.Bind(e => e.Problems).Strict()
                       + DuplicateExperimentNames(file.Experiments)).Strict();
        return problems.IsEmpty
            ? Success<Problem, Seq<RunPlan>>(experiments.Bind(e => e.Value).Strict())
            : Validation<Problem, Seq<RunPlan>>.Fail(problems);
    }

    /// <summary>A model of the file's <c>models</c> section: a preset with overrides (it may not name another file model)
    /// or an inline network; the network is named after its key.</summary>
    public static Validation<Problem, Network> ResolveFileModel(string name, ModelSpec spec, string path) =>
        ModelResolution.Resolve(spec, ModelCatalog.PresetsOnly, path).Map(n => n with { Name = name });

    public static Seq<Problem> DatasetProblems(DatasetSpec d, string path)
    {
        var source = DatasetSpec.Sources.Contains(d.Source)
            ? Seq<Problem>()
            : Seq1(new Problem(ProblemPath.Join(path, "source"), Suggestions.Unknown("source", d.Source, DatasetSpec.Sources)));
        var split = ProblemPath.Join(path, "validation");
        var validation = d.Validation.Match(
            Some: v => v switch
            {
                ValidationSplit.Count c when c.Images <= 0 || c.Images >= DatasetSpec.TrainFileImages =>
                    Seq1(new Problem(ProblemPath.Join(split, "count"),
                        $"must be between 1 and {Format.Number(DatasetSpec.TrainFileImages - 1)} (got {Format.Number(c.Images)})")),
                ValidationSplit.Fraction f when !(f.Value > 0 && f.Value < 1) =>
                    Seq1(new Problem(ProblemPath.Join(split, "fraction"), $"must be in (0, 1) (got {Format.Number(f.Value)})")),
                _ => Seq<Problem>(),
            } + (Enum.IsDefined(v.From) ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(split, "from"), $"unknown value {v.From}"))),
            None: () => Seq<Problem>());
        var dir = d.DataDir is { Length: 0 }
            ? Seq1(new Problem(ProblemPath.Join(path, "dataDir"), "must not be empty (leave it out to search the usual places)"))
            : Seq<Problem>();
        var trainCount = d.TrainCount.Match(
            n => n >= 1 && n <= DatasetSpec.TrainFileImages - d.ValidationImages ? Seq<Problem>()
                : Seq1(new Problem(ProblemPath.Join(path, "trainCount"),
                    $"must be between 1 and the {Format.Thousands(DatasetSpec.TrainFileImages - d.ValidationImages)} training images the validation split leaves (got {Format.Number(n)})")),
            () => Seq<Problem>());
        var preprocess = Enum.IsDefined(d.Preprocess)
            ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(path, "preprocess"), $"unknown value {d.Preprocess}"));
        return source + validation + trainCount + preprocess + dir;
    }

    static Seq<Problem> DuplicateExperimentNames(Seq<ExperimentSpec> experiments) =>
        experiments.Indexed()
            .Bind(p => experiments.Indexed().Take(p.Index).ToSeq().Find(q => q.Item.Name == p.Item.Name && p.Item.Name.Length > 0)
                .Map(q => new Problem(ProblemPath.Join(ProblemPath.Index("experiments", p.Index), "name"),
                    $"\"{p.Item.Name}\" is already the name of {ProblemPath.Index("experiments", q.Index)} — experiment names must be unique"))
                .ToSeq())
            .Strict();

    /// <summary>Names become folder names under results/: letters, digits, '_', '-', '.'.</summary>
    static Seq<Problem> FolderName(string path, string what, string name) =>
        name.Length == 0
            ? Seq1(new Problem(path, $"{what} must not be empty"))
            : name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && name != "." && name != ".."
                ? Seq<Problem>()
                : Seq1(new Problem(path, $"{what} may contain only letters, digits, '_', '-' and '.' (got \"{name}\")"));

    static Seq<Problem> Positive(string path, int value) =>
        value > 0 ? Seq<Problem>() : Seq1(new Problem(path, $"must be > 0 (got {Format.Number(value)})"));

    static Checked<Seq<RunPlan>> ValidateExperiment(ExperimentFile file, ModelCatalog catalog, Seq<string> brokenModels,
        ExperimentSpec e, int index, string path)
    {
        // Collected in a local list: LanguageExt 3's lazy Seq concatenations, enumerated twice, repeated or lost items.
        var problems = new List<Problem>();
        problems.AddRange(FolderName(ProblemPath.Join(path, "name"), "the name", e.Name)
            + (ExperimentSpec.Losses.Contains(e.Loss) ? Seq<Problem>()
                : Seq1(new Problem(ProblemPath.Join(path, "loss"), Suggestions.Unknown("loss", e.Loss, ExperimentSpec.Losses))))
            + (e.Seeds.IsEmpty ? Seq1(new Problem(ProblemPath.Join(path, "seeds"), "must list at least one seed")) : Seq<Problem>())
            + e.Seeds.Indexed()
                .Filter(p => e.Seeds.Take(p.Index).Exists(s => s == p.Item))
                .Map(p => new Problem(ProblemPath.Index(ProblemPath.Join(path, "seeds"), p.Index), $"seed {Format.Number(p.Item)} is listed twice"))
            + e.Threads.Match(t => Positive(ProblemPath.Join(path, "threads"), t), () => Seq<Problem>())
            + e.CheckpointEvery.Match(c => Positive(ProblemPath.Join(path, "checkpointEvery"), c), () => Seq<Problem>()));

        // The base configuration is validated once, whether or not a variant replaces a part of it.
        var baseDataset = ResolveDataset(file, e.Dataset, ProblemPath.Join(path, "dataset"));
        var baseModel = ResolveModel(e.Model, catalog, brokenModels, ProblemPath.Join(path, "model"));
        problems.AddRange(baseDataset.Problems + baseModel.Problems + Numbers(path, e.Optimizer, e.BatchSize, e.Budget, e.EvalEvery));

        var declared = e.EffectiveVariants;
        problems.AddRange(declared.Indexed()
            .Bind(p => FolderName(VariantPath(path, p.Item.Name), "a variant name", p.Item.Name)
                + declared.Take(p.Index).ToSeq().Find(w => w.Name == p.Item.Name)
                    .Map(_ => new Problem(VariantPath(path, p.Item.Name), $"variant \"{p.Item.Name}\" is listed twice")).ToSeq()));
        var swept = Sweeps.Expand(e, path);
        problems.AddRange(swept.Problems);
        var variants = swept.Value;
        // reported: and baseline: name a declared variant, or one run variant of a sweep by its full name.
        var knownNames = (declared.Map(v => v.Name) + variants.Map(v => v.Name).Filter(n => !declared.Exists(d => d.Name == n))).Strict();
        problems.AddRange(e.Reported.Keys.ToSeq()
            .Bind(k => (knownNames.Contains(k) ? Seq<Problem>()
                    : Seq1(new Problem(ProblemPath.Join(ProblemPath.Join(path, "reported"), k),
                        Suggestions.Unknown("variant", k, declared.Map(v => v.Name)))))
                + ReportedProblems(e.Reported[k], ProblemPath.Join(ProblemPath.Join(path, "reported"), k))));
        problems.AddRange(e.Baseline.Filter(b => !knownNames.Contains(b) && swept.Problems.IsEmpty)
            .Map(b => new Problem(ProblemPath.Join(path, "baseline"), Suggestions.Unknown("variant", b, declared.Map(v => v.Name)))).ToSeq());

        problems.AddRange(e.Study.Match(st => StudyValidation.Problems(st, e, variants, ProblemPath.Join(path, "study")), () => Seq<Problem>()));

        var plans = new List<RunPlan>();
        // A problem of a swept variant is traced back to the axis value that caused it; many runs share one: said once, with them.
        var sweptProblems = new List<(Problem Problem, string Run)>();
        foreach (var sv in variants)
        {
            var v = sv.Variant;
            var vpath = VariantPath(path, v.Name);
            var dataset = v.Dataset.Match(d => ResolveDataset(file, d, ProblemPath.Join(vpath, "dataset")), () => baseDataset with { Problems = Seq<Problem>() });
            var model = v.Model.Match(m => ResolveModel(m, catalog, brokenModels, ProblemPath.Join(vpath, "model")),
                () => baseModel with { Problems = Seq<Problem>() });
            var optimizer = v.Optimizer.IfNone(e.Optimizer);
            var batch = v.BatchSize.IfNone(e.BatchSize);
            var budget = v.Budget.IfNone(e.Budget);
            var evalEvery = v.EvalEvery || e.EvalEvery;
            var probes = v.Probes.IfNone(e.Probes);
            var probesPath = v.Probes.IsSome ? ProblemPath.Join(vpath, "probes") : ProblemPath.Join(path, "probes");
            var variantName = !e.Variants.IsEmpty ? Some(v.Name) : None;
            var batchPath = ProblemPath.Join(v.BatchSize.IsSome ? vpath : path, "batchSize");
            var sampler = v.Sampler || e.Sampler;
            var samplerPath = ProblemPath.Join(v.Sampler.IsSome ? vpath : path, "sampler");
            var variantProblems = (dataset.Problems + model.Problems
                + sampler.Match(s => s.Problems(samplerPath, batch), () => Seq<Problem>())
                + Numbers(vpath, v.Optimizer, v.BatchSize, v.Budget, v.EvalEvery)
                + model.Value.Match(net => TrainOnlyProblems(e.TrainOnly, net, ProblemPath.Join(path, "trainOnly"), variantName),
                    () => Seq<Problem>())
                + (from net in model.Value
                   from ds in dataset.Value
                   select DataFit.GhostBatchProblems(batchPath, net, ds, batch)
                          + e.PreciseBn.Match(p => PreciseBnProblems(p, net, ds, batch, ProblemPath.Join(path, "preciseBn"), variantName),
                              () => Seq<Problem>()))
                  .IfNone(Seq<Problem>())
                + model.Value.Match(
                    net => ProbeProblems(probes, net, probesPath, v.Probes.IsNone && !e.Variants.IsEmpty ? Some(sv.Declared) : None),
                    () => Seq<Problem>())
                + (from net in model.Value
                   from ds in dataset.Value
                   select DataFit.LastBatchProblems(
                       ProblemPath.Join(v.BatchSize.IsSome ? vpath : path, "batchSize"), net, ds, batch))
                  .IfNone(Seq<Problem>())).Strict();
            // A base probe missing from several variants' networks is reported once per variant: each message names its variant.
            if (sv.Point.IsEmpty) problems.AddRange(variantProblems);
            else sweptProblems.AddRange(variantProblems.Map(p =>
                (Sweeps.TraceBack(p, e, sv, path, vpath, e.Variants.IsEmpty ? path : VariantPath(path, sv.Declared)), v.Name)));
            if (!variantProblems.IsEmpty) continue;
            var baseline = e.Baseline.Map(b => BaselineOf(b, sv, variants));
            foreach (var (net, ds) in from n in model.Value from d in dataset.Value select (n, d))
                foreach (var seed in e.Seeds)
                    plans.Add(new RunPlan(e.Name, v.Description.IfNone(e.Description), v.Name, seed, Freeze(net, e.TrainOnly),
                        v.Dataset.IfNone(e.Dataset), ds, optimizer, e.Loss, batch, budget, evalEvery, probes, e.Threads,
                        e.Reported.Find(v.Name) || e.Reported.Find(sv.Declared), e.Device.IfNone(DeviceKinds.Default), e.TrainOnly, e.PreciseBn,
                        baseline, e.CheckpointEvery, e.Study, sampler));
        }
        problems.AddRange(sweptProblems.GroupBy(p => p.Problem).Select(g => g.Key with { Message = g.Key.Message + InRuns(g.Select(x => x.Run).Distinct().ToList()) }));
        // Variants that inherit the base batch size and data share its problems: each is reported once.
        return new Checked<Seq<RunPlan>>(plans.ToSeq().Strict(), problems.Distinct().ToSeq().Strict());
    }

    /// <summary>The baseline of a run variant: a declared baseline at the same sweep point, or the named run variant itself.</summary>
    static string BaselineOf(string baseline, SweptVariant v, Seq<SweptVariant> all) =>
        all.Find(w => w.Declared == baseline && w.Point == v.Point && !w.Point.IsEmpty).Map(w => w.Name).IfNone(baseline);

    static string InRuns(IReadOnlyList<string> runs) =>
        runs.Count == 1 ? $" (run \"{runs[0]}\")"
        : runs.Count <= 3 ? $" (runs {string.Join(", ", runs.Select(r => $"\"{r}\""))})"
        : $" (in {Format.Number(runs.Count)} runs, e.g. \"{runs[0]}\")";

    static string VariantPath(string experimentPath, string variant) =>
        ProblemPath.Join(ProblemPath.Join(experimentPath, "variants"), variant);

    /// <summary>Problems of the numeric fields that are set (the Option overloads serve variants).</summary>
    static Seq<Problem> Numbers(string path, OptimizerSpec optimizer, int batchSize, Budget budget, Option<int> evalEvery) =>
        Numbers(path, Some(optimizer), Some(batchSize), Some(budget), evalEvery);

    static Seq<Problem> Numbers(string path, Option<OptimizerSpec> optimizer, Option<int> batchSize, Option<Budget> budget,
        Option<int> evalEvery) =>
        optimizer.Match(o => o.Problems(ProblemPath.Join(path, "optimizer")), () => Seq<Problem>())
        + batchSize.Match(b => Positive(ProblemPath.Join(path, "batchSize"), b), () => Seq<Problem>())
        + budget.Match(b => Positive(ProblemPath.Join(path, b.Key), b.Value), () => Seq<Problem>())
        + evalEvery.Match(n => Positive(ProblemPath.Join(path, "evalEvery"), n), () => Seq<Problem>());

    static Seq<Problem> ReportedProblems(ReportedResult r, string path) =>
        r.TestAccuracy.Match(a => a >= 0 && a <= 1 ? Seq<Problem>()
                : Seq1(new Problem(ProblemPath.Join(path, "testAccuracy"), $"must be in [0, 1] (got {Format.Number(a)})")),
            () => Seq<Problem>())
        + r.WallSeconds.Match(w => w >= 0 && double.IsFinite(w) ? Seq<Problem>()
                : Seq1(new Problem(ProblemPath.Join(path, "wallSeconds"), $"must be >= 0 (got {Format.Number(w)})")),
            () => Seq<Problem>());

    /// <summary>A dataset reference: a dataset of the file, else a bare source name with the defaults.</summary>
    static Checked<Option<DatasetSpec>> ResolveDataset(ExperimentFile file, string name, string path)
    {
        var found = file.Datasets.Find(name) || (DatasetSpec.Sources.Contains(name) ? Some(DatasetSpec.Builtin(name)) : None);
        var known = file.Datasets.Keys.ToSeq() + DatasetSpec.Sources.Filter(s => !file.Datasets.ContainsKey(s));
        return found.Match(
            d => Checked<Option<DatasetSpec>>.Ok(Some(d)),
            () => new Checked<Option<DatasetSpec>>(None, Seq1(new Problem(path, Suggestions.Unknown("dataset", name, known)))));
    }

    static Checked<Option<Network>> ResolveModel(ModelSpec spec, ModelCatalog catalog, Seq<string> brokenModels, string path)
    {
        // A reference to a file model that has problems of its own: those are reported at models.<name> already.
        if (spec is ModelSpec.Named n && brokenModels.Contains(n.Name))
            return new Checked<Option<Network>>(None, Seq<Problem>());
        return ModelResolution.Resolve(spec, catalog, path).Match(
            net => Checked<Option<Network>>.Ok(Some(net)),
            fails => new Checked<Option<Network>>(None, fails));
    }

    public static Seq<Problem> ProbeProblems(Seq<ProbeSpec> probes, Network network, string path, Option<string> variant) =>
        probes.Indexed().Bind(x => ProbeProblems(x.Item, network, ProblemPath.Index(path, x.Index), variant)).Strict();

    static Seq<Problem> ProbeProblems(ProbeSpec probe, Network network, string path, Option<string> variant)
    {
        var every = Positive(ProblemPath.Join(path, "every"), probe.Every);
        var values = probe is ProbeSpec.Percentiles p
            ? p.Values.Indexed().Filter(x => !(x.Item >= 0 && x.Item <= 100))
                .Map(x => new Problem(ProblemPath.Index(ProblemPath.Join(path, "percentiles"), x.Index),
                    $"must be in [0, 100] (got {Format.Number(x.Item)})"))
            : probe is ProbeSpec.Landscape l ? StepSizeProblems(l.StepSizes, ProblemPath.Join(path, "stepSizes"))
            : Seq<Problem>();
        var layer = probe.LayerName.Match(name =>
        {
            var names = LayerNames.All(network);
            var where = $"network \"{network.Name}\"" + variant.Match(v => $" (variant {v})", () => "");
            return LayerNames.Find(network, name).Match(
                Some: i => probe is ProbeSpec.GradNorm && !HasParameters(network.Layers[i])
                    ? Seq1(new Problem(ProblemPath.Join(path, "layer"),
                        $"layer \"{name}\" of {where} has no parameters — grad_norm needs a conv2d, dense or affine normalization layer"))
                    : Seq<Problem>(),
                None: () => Seq1(new Problem(ProblemPath.Join(path, "layer"),
                    $"no layer \"{name}\" in {where}{Suggestions.DidYouMean(name, names)} (its layers: {string.Join(", ", names)})")));
        }, () => Seq<Problem>());
        return every + values + layer;
    }

    /// <summary>A landscape probe's step sizes: each > 0 and finite, none twice (each names its rows, <c>loss@η</c>).</summary>
    static Seq<Problem> StepSizeProblems(Seq<double> stepSizes, string path) =>
        stepSizes.Indexed().Bind(x =>
            !(x.Item > 0 && double.IsFinite(x.Item))
                ? Seq1(new Problem(ProblemPath.Index(path, x.Index), $"must be a step size > 0 (got {Format.Number(x.Item)})"))
                : stepSizes.Take(x.Index).Exists(v => v == x.Item)
                    ? Seq1(new Problem(ProblemPath.Index(path, x.Index), $"{Format.Number(x.Item)} is listed twice"))
                    : Seq<Problem>()).Strict();

    static bool HasParameters(Layer layer) => layer switch
    {
        Conv2D or Dense => true,
        BatchNorm b => b.Affine,
        LayerNorm n => n.Affine,
        GroupNorm g => g.Affine,
        InstanceNorm i => i.Affine,
        _ => false,
    };

    /// <summary><c>trainOnly</c>: every layer of another kind that has parameters becomes <c>trainable: false</c> (an empty list
    /// changes nothing; layers without parameters are left as they are, so config.yaml marks exactly what is frozen).</summary>
    public static Network Freeze(Network network, Seq<string> trainOnly) =>
        trainOnly.IsEmpty
            ? network
            : network with
            {
                Layers = network.Layers.Map(l => trainOnly.Contains(l.KindName) || !HasParameters(l) ? l : l with { Trainable = false }).Strict(),
            };

    /// <summary>Each listed kind must be a layer kind, be in the network, and together they must leave something to train.</summary>
    public static Seq<Problem> TrainOnlyProblems(Seq<string> trainOnly, Network network, string path, Option<string> variant)
    {
        if (trainOnly.IsEmpty) return Seq<Problem>();
        var where = $"network \"{network.Name}\"" + variant.Match(v => $" (variant {v})", () => "");
        var present = network.Layers.Map(l => l.KindName).Distinct().Strict();
        var problems = trainOnly.Indexed().Bind(x =>
            !LayerCodec.Kinds.Contains(x.Item)
                ? Seq1(new Problem(ProblemPath.Index(path, x.Index), Suggestions.Unknown("layer kind", x.Item, LayerCodec.Kinds)))
                : !present.Contains(x.Item)
                    ? Seq1(new Problem(ProblemPath.Index(path, x.Index),
                        $"{where} has no {x.Item} layer (its kinds: {string.Join(", ", present)}) — remove it from trainOnly or add such a layer"))
                    : Seq<Problem>()).Strict();
        if (problems.IsEmpty && !network.Layers.Exists(l => trainOnly.Contains(l.KindName) && l.Trainable && HasParameters(l)))
            problems = problems.Add(new Problem(path,
                $"no layer of {string.Join(", ", trainOnly)} in {where} has parameters to train (an affine: false norm has none) — nothing would train"));
        return problems;
    }

    /// <summary><c>preciseBn.batches</c>: at least 1, at most one epoch's batches, and a batch_norm with running statistics to re-estimate.</summary>
    public static Seq<Problem> PreciseBnProblems(PreciseBnSpec p, Network network, DatasetSpec dataset, int batchSize, string path,
        Option<string> variant)
    {
        var at = ProblemPath.Join(path, "batches");
        var where = $"network \"{network.Name}\"" + variant.Match(v => $" (variant {v})", () => "");
        var problems = Seq<Problem>();
        var perEpoch = batchSize > 0 ? (dataset.TrainImages + batchSize - 1) / batchSize : 0;
        if (p.Batches <= 0)
            problems = problems.Add(new Problem(at, $"must be > 0 (got {Format.Number(p.Batches)})"));
        else if (perEpoch > 0 && p.Batches > perEpoch)
            problems = problems.Add(new Problem(at,
                $"{Format.Number(p.Batches)} is more than the {Format.Number(perEpoch)} batches of one epoch ({Format.Number(dataset.TrainImages)} training images in batches of {Format.Number(batchSize)}) — use at most {Format.Number(perEpoch)}"));
        if (!network.Layers.Exists(l => l is BatchNorm { TrackRunningStats: true }))
            problems = problems.Add(new Problem(path, $"{where} has no batch_norm layer with running statistics to re-estimate — remove preciseBn"));
        return problems;
    }
}
