namespace NormLab.Core.Experiments;

/// <summary>
/// A named variation of an experiment: every field that is Some replaces the experiment's (the model as a whole — a
/// YAML variant's <c>override</c> becomes the experiment's model with those overrides appended; the optimizer as a whole —
/// a YAML variant's optimizer without a <c>type</c> patches the experiment's).
/// </summary>
public sealed record VariantSpec(
    string Name,
    Option<string> Description = default,
    Option<ModelSpec> Model = default,
    Option<OptimizerSpec> Optimizer = default,
    Option<int> BatchSize = default,
    Option<Budget> Budget = default,
    Option<int> EvalEvery = default,
    Option<string> Dataset = default,
    Option<Seq<ProbeSpec>> Probes = default,
    Option<SamplerSpec> Sampler = default)
{
    /// <summary>The one variant of an experiment that lists none.</summary>
    public const string BaseName = "base";

    /// <summary>The keys a YAML variant may carry.</summary>
    public static Seq<string> Keys => Seq("description", "model", "override", "optimizer", "batchSize", "epochs", "steps",
        "evalEvery", "dataset", "probes", "sampler");
}
