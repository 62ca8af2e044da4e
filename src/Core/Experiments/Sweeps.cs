namespace NormLab.Core.Experiments;

/// <summary>
/// Sweep expansion, pure: an experiment's <see cref="Sweep"/> and variants become the variants that run, one per declared
/// variant × point of the grid, named readably — <c>gn/batch=8/lr=0.1</c> (variant, then <c>label=value</c> per axis; an
/// experiment without variants drops the <c>base/</c>). Every axis is checked here, with its path: a field that does not
/// exist (with a "did you mean"), an axis without values or with a value twice, a value of the wrong type or one that
/// cannot be part of a folder name, <c>zip: true</c> over axes of unequal length. What only the resolved network can say (a
/// layer field's range, a layer that is not there) is found by the experiment's validation, traced back to the axis value.
/// </summary>
public static class Sweeps
{
    /// <summary>What an axis sets; the vocabulary a sweep understands.</summary>
    abstract record Target
    {
        public sealed record Number(string Key) : Target;          // batchSize, epochs, steps, evalEvery
        public sealed record Name(string Key) : Target;            // dataset, model
        public sealed record OptimizerField(string Key) : Target;  // optimizer.lr, optimizer.momentum, …
        public sealed record LayerField(string Selector, string Key) : Target; // override.all:batch_norm.momentum
    }

    static readonly Seq<string> NumberFields = Seq("batchSize", "epochs", "steps", "evalEvery");
    static readonly Seq<string> NameFields = Seq("dataset", "model");

    /// <summary>Every optimizer field a sweep may set, by optimizer type (the YAML keys of <see cref="OptimizerSpec"/>).</summary>
    public static Seq<string> OptimizerKeys(OptimizerSpec o) => o switch
    {
        OptimizerSpec.Adam => Seq("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad"),
        OptimizerSpec.RmsProp => Seq("lr", "alpha", "eps", "weightDecay", "momentum", "centered"),
        _ => Seq("lr", "momentum", "dampening", "weightDecay", "nesterov"),
    };

    static readonly Seq<string> BoolOptimizerKeys = Seq("nesterov", "amsgrad", "centered");

    /// <summary>The fields a user may name, for the "did you mean" of an unknown one.</summary>
    static Seq<string> KnownFields(ExperimentSpec e) =>
        NumberFields + NameFields
        + e.EffectiveVariants.Bind(v => OptimizerKeys(v.Optimizer.IfNone(e.Optimizer))).Distinct().ToSeq().Map(k => $"optimizer.{k}")
        + Seq("override.all:<kind>.<field>", "override.<layer name>.<field>");

    static string SweepPath(string experimentPath) => ProblemPath.Join(experimentPath, "sweep");

    /// <summary>The path of an axis (<c>experiments[0].sweep.optimizer.lr</c>) and of one of its values (…<c>[1]</c>).</summary>
    public static string AxisPath(string experimentPath, SweepAxis axis) => ProblemPath.Join(SweepPath(experimentPath), axis.Field);

    public static string ValuePath(string experimentPath, SweepAxis axis, int index) => ProblemPath.Index(AxisPath(experimentPath, axis), index);

    /// <summary>The variants that run: the declared ones (or <c>base</c>) without a sweep, else each declared one at every point.</summary>
    public static Checked<Seq<SweptVariant>> Expand(ExperimentSpec e, string experimentPath)
    {
        var declared = e.EffectiveVariants;
        if (e.Sweep.IsNone)
            return Checked<Seq<SweptVariant>>.Ok(declared.Map(v => new SweptVariant(v, v.Name, Seq<int>())).Strict());
        var sweep = e.Sweep.IfNone(() => new Sweep(Seq<SweepAxis>()));
        var path = SweepPath(experimentPath);
        if (sweep.Axes.IsEmpty)
            return Fail(new Problem(path, "has no axes — give at least one field and its values, e.g. batchSize: [16, 32, 64]"));

        var problems = new List<Problem>();
        var targets = new List<Target>();
        foreach (var axis in sweep.Axes)
        {
            var at = AxisPath(experimentPath, axis);
            var target = Parse(axis.Field, e, at);
            target.Problems.Iter(problems.Add);
            if (target.Value is { } t) targets.Add(t);
            if (axis.Values.IsEmpty)
                problems.Add(new Problem(at, "lists no values — give at least one (an empty axis would plan no runs)"));
            foreach (var (index, value) in axis.Values.Indexed())
            {
                var vpath = ValuePath(experimentPath, axis, index);
                if (axis.Values.Take(index).Exists(w => w == value))
                    problems.Add(new Problem(vpath, $"{value} is listed twice on this axis"));
                if (!FolderSafe(value))
                    problems.Add(new Problem(vpath, $"\"{value}\" becomes part of the runs' folder names: use letters, digits, '_', '-', '.' and '+' only"));
                if (target.Value is { } tv) ValueProblem(tv, value, vpath).Iter(problems.Add);
            }
        }
        if (sweep.Zip && sweep.Axes.Map(a => a.Values.Count).Distinct().Count() > 1)
            problems.Add(new Problem(ProblemPath.Join(path, Sweep.ZipKey),
                "zip: true pairs the axes' values position by position, so every axis needs as many values — got "
                + string.Join(", ", sweep.Axes.Map(a => $"{a.Field} {Format.Number(a.Values.Count)}"))
                + " (or leave zip out for every combination)"));
        if (problems.Count > 0) return new Checked<Seq<SweptVariant>>(Seq<SweptVariant>(), problems.Distinct().ToSeq().Strict());

        var axes = sweep.Axes.Zip(targets.ToSeq()).ToSeq().Strict();
        var labels = Labels(axes);
        var points = Points(sweep);
        var variants = from v in declared
                       from point in points
                       select new SweptVariant(Apply(e, v, axes, point, Name(e, v, axes, labels, point)), v.Name, point);
        return Checked<Seq<SweptVariant>>.Ok(variants.Strict());
    }

    /// <summary>The number of points of a sweep: the product of its axes' lengths, or with zip one axis's length.</summary>
    public static long PointCount(Sweep sweep) =>
        sweep.Axes.IsEmpty ? 0 : sweep.Zip ? sweep.Axes.Head.Values.Count : sweep.Axes.Fold(1L, (n, a) => n * a.Values.Count);

    /// <summary>
    /// The sweeps that plan more than <see cref="Sweep.MaxRunsWithoutConfirmation"/> runs (after <c>--only</c>, <c>--variant</c>,
    /// <c>--seeds</c>): a typo in an axis can plan thousands of hours, so <c>./normlab run</c> asks for <c>--yes</c> first.
    /// </summary>
    public static Seq<Problem> Unconfirmed(ExperimentFile file, Seq<RunPlan> plans) =>
        file.Experiments.Indexed().Choose(x => x.Item.Sweep.Bind(_ =>
        {
            var runs = plans.Count(p => p.ExperimentName == x.Item.Name);
            return runs > Sweep.MaxRunsWithoutConfirmation
                ? Some(new Problem(SweepPath(ProblemPath.Index("experiments", x.Index)),
                    $"plans {Format.Number(runs)} runs, more than {Format.Number(Sweep.MaxRunsWithoutConfirmation)} — pass --yes to run them "
                    + "(--resume skips the complete ones), or narrow the sweep or the run with --variant, --seeds"))
                : None;
        })).Strict();

    static Checked<Seq<SweptVariant>> Fail(Problem p) => new(Seq<SweptVariant>(), Seq1(p));

    /// <summary>The index tuples of the grid: the product (first axis slowest) or the zip.</summary>
    static Seq<Seq<int>> Points(Sweep sweep) =>
        sweep.Zip
            ? Range(0, sweep.Axes.Head.Values.Count).Map(i => sweep.Axes.Map(_ => i).Strict()).ToSeq().Strict()
            : sweep.Axes.Fold(Seq1(Seq<int>()), (acc, axis) =>
                acc.Bind(prefix => Range(0, axis.Values.Count).Map(i => prefix.Add(i)).ToSeq()).Strict());

    static Checked<Target?> Parse(string field, ExperimentSpec e, string path)
    {
        Checked<Target?> Ok(Target t) => Checked<Target?>.Ok(t);
        Checked<Target?> Bad(string message) => new(null, Seq1(new Problem(path, message)));
        if (NumberFields.Contains(field)) return Ok(new Target.Number(field));
        if (NameFields.Contains(field)) return Ok(new Target.Name(field));
        var parts = field.Split('.');
        if (parts[0] == "optimizer" && parts.Length == 2)
        {
            var key = parts[1];
            var missing = e.EffectiveVariants.Map(v => v.Optimizer.IfNone(e.Optimizer)).Filter(o => !OptimizerKeys(o).Contains(key)).Strict();
            return missing.IsEmpty
                ? Ok(new Target.OptimizerField(key))
                : Bad($"{missing.Head.TypeName} has no field \"{key}\"{Suggestions.DidYouMean(key, OptimizerKeys(missing.Head))}"
                      + $" (its fields: {string.Join(", ", OptimizerKeys(missing.Head))})");
        }
        if (parts[0] == "override")
        {
            if (parts.Length < 3 || parts[^1].Length == 0 || string.Join(".", parts[1..^1]).Length == 0)
                return Bad("a model override axis names a layer and one of its fields: override.<layer name>.<field> or override.all:<kind>.<field>, e.g. override.all:batch_norm.momentum");
            var selector = string.Join(".", parts[1..^1]);
            var key = parts[^1];
            // all:<kind> knows its fields now; a layer named by name is checked against its kind once the network is resolved.
            if (selector.StartsWith(LayerOverride.AllPrefix, StringComparison.Ordinal))
            {
                var kind = selector[LayerOverride.AllPrefix.Length..];
                if (!LayerCodec.Kinds.Contains(kind)) return Bad(Suggestions.Unknown("layer type", kind, LayerCodec.Kinds));
                if (!LayerCodec.KeysOf(kind).Contains(key) || key == "name")
                    return Bad($"{kind} has no field \"{key}\"{Suggestions.DidYouMean(key, LayerCodec.KeysOf(kind))}"
                               + $" (its fields: {string.Join(", ", LayerCodec.KeysOf(kind).Filter(k => k != "name"))})");
            }
            return Ok(new Target.LayerField(selector, key));
        }
        var known = KnownFields(e);
        // "lr" is optimizer.lr, "units" is probably a layer field: a bare last segment names the full path.
        var byLastSegment = known.Find(k => k.EndsWith("." + field, StringComparison.Ordinal));
        var hint = byLastSegment.Match(k => $" — did you mean \"{k}\"?", () => Suggestions.DidYouMean(field, known))
                   + (byLastSegment.IsNone && LayerCodec.Kinds.Exists(k => LayerCodec.KeysOf(k).Contains(field))
                       ? $" — a layer field is swept as override.<layer name>.{field} or override.all:<kind>.{field}" : "");
        return Bad($"no field \"{field}\" to sweep{hint} (fields: {string.Join(", ", known)})");
    }

    static Option<Problem> ValueProblem(Target target, string value, string path) => target switch
    {
        Target.Number => FieldReader.ParseInt(value).IsSome ? None : Some(new Problem(path, $"expected an integer, got '{value}'")),
        Target.OptimizerField o when BoolOptimizerKeys.Contains(o.Key) =>
            FieldReader.ParseBool(value).IsSome ? None : Some(new Problem(path, $"expected true or false, got '{value}'")),
        Target.OptimizerField => FieldReader.ParseDouble(value).IsSome ? None : Some(new Problem(path, $"expected a number, got '{value}'")),
        _ => None,
    };

    static bool FolderSafe(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+') && value != "." && value != "..";

    /// <summary>Short labels for the run names — <c>batch</c>, <c>lr</c>, a layer field's name — and the full field where two would clash.</summary>
    static Seq<string> Labels(Seq<(SweepAxis Axis, Target Target)> axes)
    {
        static string Short((SweepAxis Axis, Target Target) a) => a.Target switch
        {
            Target.Number { Key: "batchSize" } => "batch",
            Target.OptimizerField o => o.Key,
            Target.LayerField l => l.Key,
            _ => a.Axis.Field,
        };
        var shorts = axes.Map(Short).Strict();
        return axes.Zip(shorts).Map(p => shorts.Count(s => s == p.Item2) > 1
            ? p.Item1.Target is Target.LayerField l ? $"{l.Selector}.{l.Key}" : p.Item1.Axis.Field
            : p.Item2).ToSeq().Strict();
    }

    static string Name(ExperimentSpec e, VariantSpec v, Seq<(SweepAxis Axis, Target Target)> axes, Seq<string> labels, Seq<int> point)
    {
        var segments = axes.Indexed().Map(a => $"{labels[a.Index]}={a.Item.Axis.Values[point[a.Index]]}");
        return string.Join("/", (e.Variants.IsEmpty ? segments : Seq1(v.Name) + segments).ToArray());
    }

    /// <summary>The declared variant with every axis's value at <paramref name="point"/> set; a <c>model</c> axis is applied
    /// before the layer overrides, which then patch the swept model.</summary>
    static VariantSpec Apply(ExperimentSpec e, VariantSpec v, Seq<(SweepAxis Axis, Target Target)> axes, Seq<int> point, string name)
    {
        var settings = axes.Indexed().Map(a => (a.Item.Target, Value: a.Item.Axis.Values[point[a.Index]]))
            .OrderBy(s => s.Target is Target.LayerField ? 1 : 0).ToSeq();
        return settings.Fold(v with { Name = name }, (acc, s) => s.Target switch
        {
            Target.Number { Key: "batchSize" } => acc with { BatchSize = Int(s.Value) },
            Target.Number { Key: "epochs" } => acc with { Budget = Some<Budget>(new Budget.Epochs(Int(s.Value))) },
            Target.Number { Key: "steps" } => acc with { Budget = Some<Budget>(new Budget.Steps(Int(s.Value))) },
            Target.Number => acc with { EvalEvery = Int(s.Value) },
            Target.Name { Key: "dataset" } => acc with { Dataset = s.Value },
            Target.Name => acc with { Model = Some<ModelSpec>(new ModelSpec.Named(s.Value)) },
            Target.OptimizerField o => acc with { Optimizer = Some(PatchOptimizer(acc.Optimizer.IfNone(e.Optimizer), o.Key, s.Value)) },
            Target.LayerField l => acc with
            {
                Model = Some(acc.Model.IfNone(e.Model).WithOverrides(Seq1(new LayerOverride(l.Selector, Seq1(new FieldSetting(l.Key, FieldValue.Of(s.Value))))))),
            },
            _ => acc,
        });
    }

    static int Int(string text) => FieldReader.ParseInt(text).IfNone(0);

    static OptimizerSpec PatchOptimizer(OptimizerSpec o, string key, string text)
    {
        var d = FieldReader.ParseDouble(text).IfNone(double.NaN);
        var b = FieldReader.ParseBool(text).IfNone(false);
        return (o, key) switch
        {
            (OptimizerSpec.Sgd s, "lr") => s with { Lr = d },
            (OptimizerSpec.Sgd s, "momentum") => s with { Momentum = d },
            (OptimizerSpec.Sgd s, "dampening") => s with { Dampening = d },
            (OptimizerSpec.Sgd s, "weightDecay") => s with { WeightDecay = d },
            (OptimizerSpec.Sgd s, "nesterov") => s with { Nesterov = b },
            (OptimizerSpec.Adam a, "lr") => a with { Lr = d },
            (OptimizerSpec.Adam a, "beta1") => a with { Beta1 = d },
            (OptimizerSpec.Adam a, "beta2") => a with { Beta2 = d },
            (OptimizerSpec.Adam a, "eps") => a with { Eps = d },
            (OptimizerSpec.Adam a, "weightDecay") => a with { WeightDecay = d },
            (OptimizerSpec.Adam a, "amsgrad") => a with { Amsgrad = b },
            (OptimizerSpec.RmsProp r, "lr") => r with { Lr = d },
            (OptimizerSpec.RmsProp r, "alpha") => r with { Alpha = d },
            (OptimizerSpec.RmsProp r, "eps") => r with { Eps = d },
            (OptimizerSpec.RmsProp r, "weightDecay") => r with { WeightDecay = d },
            (OptimizerSpec.RmsProp r, "momentum") => r with { Momentum = d },
            (OptimizerSpec.RmsProp r, "centered") => r with { Centered = b },
            _ => o,
        };
    }

    /// <summary>
    /// Where a problem found in a swept variant belongs: under the axis value that set the field (<c>experiments[0].sweep.batchSize[2]</c>),
    /// else under the declared variant it came from. <paramref name="variantPath"/> is the path the variant was validated under.
    /// </summary>
    public static Problem TraceBack(Problem problem, ExperimentSpec e, SweptVariant v, string experimentPath, string variantPath, string declaredPath)
    {
        if (v.Point.IsEmpty || e.Sweep.IsNone) return problem;
        var axes = e.Sweep.IfNone(() => new Sweep(Seq<SweepAxis>())).Axes;
        var prefixes = axes.Indexed().Map(a =>
        {
            var parts = a.Item.Field.Split('.');
            var prefix = parts[0] == "override"
                ? ProblemPath.Join(ProblemPath.Join(ProblemPath.Join(variantPath, "model"), "override"), string.Join(".", parts[1..^1]))
                : ProblemPath.Join(variantPath, a.Item.Field);
            return (prefix, target: ValuePath(experimentPath, a.Item, v.Point[a.Index]));
        }).OrderByDescending(p => p.prefix.Length).ToSeq();
        bool Under(string path, string prefix) => path == prefix || path.StartsWith(prefix + ".", StringComparison.Ordinal) || path.StartsWith(prefix + "[", StringComparison.Ordinal);
        // The network is validated after every override: a layer field out of range (…model.layers[2].momentum) came from
        // the override axis of that field, else from a model axis.
        Option<string> FromNetwork()
        {
            if (!Under(problem.Path, ProblemPath.Join(variantPath, "model"))) return None;
            var field = problem.Path[(problem.Path.LastIndexOf('.') + 1)..];
            var axis = axes.Indexed().Find(a => a.Item.Field.StartsWith("override.", StringComparison.Ordinal) && a.Item.Field.EndsWith("." + field, StringComparison.Ordinal))
                || axes.Indexed().Find(a => a.Item.Field == "model");
            return axis.Map(a => ValuePath(experimentPath, a.Item, v.Point[a.Index]));
        }
        return prefixes.Find(p => Under(problem.Path, p.prefix)).Map(p => p.target).Match(
            target => problem with { Path = target },
            () => FromNetwork().Match(
                target => problem with { Path = target },
                () => Under(problem.Path, variantPath)
                    ? problem with { Path = declaredPath + problem.Path[variantPath.Length..] }
                    : problem));
    }
}
