namespace NormLab.Engine.Training;

/// <summary>
/// What one training run needs beyond the network, the optimizer and the data: everything explicit, nothing read
/// from globals. <paramref name="TotalSteps"/> counts optimizer steps (epochs are converted by the caller:
/// epochs × ⌈train / batch⌉, Keras keeps the last partial batch). <paramref name="EvalEvery"/> = 0 means once per epoch;
/// the end of training is always evaluated. <paramref name="Phases"/>: when set, the trainer adds each step's phase times
/// to it (the benchmark's <c>--profile</c>); null reads no clock inside the step. <paramref name="PreciseBnBatches"/> &gt; 0:
/// after a complete run, precise BN over that many training batches (<see cref="PreciseBn"/>). <paramref name="Checkpoints"/>: where
/// checkpoints go (null: none); <paramref name="Resume"/>: the position and RNG state to continue from (null: step 0) — the
/// caller has restored the network's and the optimizer's tensors already. <paramref name="ClassesPerBatch"/> &gt; 0: every
/// training batch is drawn from that many classes (<see cref="Core.Data.ClassSkewedOrder"/>); 0: a uniform shuffle.
/// </summary>
public sealed record TrainingConfig(
    int BatchSize,
    long TotalSteps,
    long EvalEvery,
    ulong Seed,
    int Threads,
    IReadOnlyList<ProbeRequest> Probes,
    int EvalBatchSize = 1000,
    Device? Device = null,
    StepPhases? Phases = null,
    int PreciseBnBatches = 0,
    ICheckpointer? Checkpoints = null,
    TrainerResume? Resume = null,
    int ClassesPerBatch = 0);

/// <summary>The kinds of probes: what a researcher looks at inside a network while it trains.</summary>
public enum ProbeKind
{
    /// <summary>Percentiles of a layer's output over the training batch (Ioffe &amp; Szegedy Fig. 1(b, c)).</summary>
    Percentiles,
    /// <summary>Per-channel batch mean and variance of a layer's output, summarised over channels.</summary>
    BatchStats,
    /// <summary>L2 norm of the gradients of a layer's parameters (all layers when no layer is named).</summary>
    GradNorm,
    /// <summary>The loss and gradient along the gradient direction at the request's step sizes (Santurkar et al. 2018, Fig. 4;
    /// <see cref="LandscapeProbe"/>); the whole network, no layer.</summary>
    Landscape,
}

/// <summary>
/// One probe, resolved against the compiled network: <paramref name="LayerIndex"/> is the layer whose output is read
/// (-1 for "all layers" of a grad-norm probe). <paramref name="Unit"/> picks one feature/channel (a "typical sigmoid"
/// in Ioffe &amp; Szegedy's words); null pools all of them. <paramref name="StepSizes"/>: the step sizes η of a landscape probe
/// (-1 and "all" for the layer); empty for the other kinds.
/// </summary>
public sealed record ProbeRequest(ProbeKind Kind, int LayerIndex, string LayerName, long Every, IReadOnlyList<double> Percentiles, int? Unit = null,
    IReadOnlyList<double>? StepSizes = null)
{
    /// <summary>A landscape probe every <paramref name="every"/> steps at the given step sizes.</summary>
    public static ProbeRequest Landscape(long every, IReadOnlyList<double> stepSizes) =>
        new(ProbeKind.Landscape, -1, LandscapeProbe.Layer, every, [], StepSizes: stepSizes);
}
