using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// One run, fully resolved: what the engine trains and what the host writes to the run's config.yaml. Everything a run
/// needs is here, nothing refers back to the file: the network is resolved and validated, the dataset spelled out.
/// <see cref="Device"/> is what the file (or the CLI) asked for; the host resolves <c>auto</c> before writing config.yaml.
/// <see cref="TrainOnly"/> is already applied to <see cref="Network"/> (its other layers are <c>trainable: false</c>) and kept
/// so config.yaml says why.
/// <see cref="Baseline"/> is the variant this run's variant is compared with in the statistics (None: the experiment names
/// none); it belongs to the experiment's results, not to what the run trains, so config.yaml does not carry it — nor
/// <see cref="Study"/>, the published result the experiment reproduces (written to experiment.json for the report).
/// </summary>
public sealed record RunPlan(
    string ExperimentName,
    string Description,
    string VariantName,
    int Seed,
    Network Network,
    string DatasetName,
    DatasetSpec Dataset,
    OptimizerSpec Optimizer,
    string Loss,
    int BatchSize,
    Budget Budget,
    Option<int> EvalEvery,
    Seq<ProbeSpec> Probes,
    Option<int> Threads,
    Option<ReportedResult> Reported,
    DeviceKind Device = DeviceKinds.Default,
    Seq<string> TrainOnly = default,
    Option<PreciseBnSpec> PreciseBn = default,
    Option<string> Baseline = default,
    Option<int> CheckpointEvery = default,
    Option<StudySpec> Study = default,
    Option<SamplerSpec> Sampler = default)
{
    /// <summary>Total optimizer steps of the run.</summary>
    public long TotalSteps => Budget.TotalSteps(Dataset, BatchSize);

    /// <summary><c>experiment/variant/seed-n</c>, the run's folder under the results root.</summary>
    public string RelativeFolder => $"{ExperimentName}/{VariantName}/seed-{Format.Number(Seed)}";
}

/// <summary>
/// Which runs of a file to plan (the CLI's <c>--only</c>, <c>--variant</c>, <c>--seeds K</c>, <c>--max-steps N</c>): the
/// named experiments (empty: all), the named variants (empty: all; an experiment with none of them is skipped), only the
/// first K seeds of each experiment, and every budget capped at N optimizer steps (epochs become steps).
/// </summary>
public sealed record PlanFilter(
    Seq<string> Only = default,
    Seq<string> Variants = default,
    Option<int> Seeds = default,
    Option<int> MaxSteps = default)
{
    public static PlanFilter All { get; } = new();
}
