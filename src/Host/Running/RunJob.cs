using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;

namespace NormLab.Host.Running;

/// <summary>
/// One run, fully resolved: what the executor trains and what it writes into the run's config.yaml
/// (<paramref name="ResolvedConfigYaml"/>, exactly what ran, BN convention and resolved device included).
/// <paramref name="CheckpointEvery"/>: steps between checkpoints, 0 = at the end of every epoch.
/// </summary>
public sealed record RunJob(
    string Experiment,
    string Variant,
    int Seed,
    Network Network,
    DatasetSpec Dataset,
    OptimizerSpec Optimizer,
    int BatchSize,
    long TotalSteps,
    long EvalEvery,
    Seq<ProbeSpec> Probes,
    int Threads,
    string ResolvedConfigYaml,
    DeviceKind Device = DeviceKind.Cpu,
    int PreciseBnBatches = 0,
    long CheckpointEvery = 0,
    int ClassesPerBatch = 0)
{
    public string Label => $"{Experiment}/{Variant}/seed-{Seed}";
}
