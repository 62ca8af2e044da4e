namespace NormLab.Core.Experiments;

/// <summary>
/// One study: a base configuration and its variants; every variant runs once per seed. An experiment without variants
/// runs its base configuration as the single variant <c>base</c>; with variants, only the variants run.
/// </summary>
/// <param name="Dataset">The name of a dataset of the file, or a bare source (<c>mnist</c>, <c>fashion-mnist</c>).</param>
/// <param name="EvalEvery">Evaluate every N optimizer steps; None: once per epoch. The host always evaluates at the end.</param>
/// <param name="Seeds">Empty means [1].</param>
/// <param name="Threads">libtorch intra-op threads; None: the host's default.</param>
/// <param name="Reported">The source study's numbers by variant name.</param>
/// <param name="Study">The published result this experiment reproduces, and how its runs are read (<see cref="StudySpec"/>).</param>
/// <param name="Sampler">How training batches are drawn; None: a uniform shuffle per epoch (<see cref="SamplerSpec"/>).</param>
/// <param name="CheckpointEvery">Steps between checkpoints; None: at the end of every epoch (and at least every 10 minutes).</param>
/// <param name="Device">cpu | cuda | auto; None: <see cref="DeviceKinds.Default"/> (a file's <c>defaults: {device: ...}</c> is applied by the reader).</param>
/// <param name="TrainOnly">Layer kinds whose parameters train (Frankle, Schwab &amp; Morcos 2020: <c>[batch_norm]</c> trains γ and
/// β alone); every other layer of every variant's network becomes <c>trainable: false</c>. Empty: no restriction.</param>
/// <param name="PreciseBn">Re-estimate BN statistics after training and evaluate both ways (<see cref="PreciseBnSpec"/>).</param>
/// <param name="Sweep">A grid over fields; each declared variant runs at every point of it (<see cref="Sweeps"/>).</param>
/// <param name="Baseline">The variant every other is compared with (difference, its 95% CI, Welch's t-test): a declared
/// variant — with a sweep, its run at the same point — or the full name of a run variant.</param>
public sealed record ExperimentSpec(
    string Name,
    string Dataset,
    ModelSpec Model,
    OptimizerSpec Optimizer,
    Budget Budget,
    string Description = "",
    string Loss = ExperimentSpec.CrossEntropy,
    int BatchSize = 32,
    Option<int> EvalEvery = default,
    Seq<int> Seeds = default,
    Option<int> Threads = default,
    Seq<ProbeSpec> Probes = default,
    Seq<VariantSpec> Variants = default,
    Map<string, ReportedResult> Reported = default,
    Option<DeviceKind> Device = default,
    Seq<string> TrainOnly = default,
    Option<PreciseBnSpec> PreciseBn = default,
    Option<Sweep> Sweep = default,
    Option<string> Baseline = default,
    Option<int> CheckpointEvery = default,
    Option<StudySpec> Study = default,
    Option<SamplerSpec> Sampler = default)
{
    public const string CrossEntropy = "cross_entropy";

    public static Seq<string> Losses => Seq1(CrossEntropy);

    public static Seq<int> DefaultSeeds => Seq1(1);

    public Seq<int> Seeds { get; init; } = Seeds.IsEmpty ? DefaultSeeds : Seeds;

    /// <summary>The variants that run: the listed ones, or the single <c>base</c>.</summary>
    public Seq<VariantSpec> EffectiveVariants => Variants.IsEmpty ? Seq1(new VariantSpec(VariantSpec.BaseName)) : Variants;
}

/// <summary>
/// A whole experiments file: named datasets and models that experiments refer to, and the experiments in order.
/// (YAML's <c>defaults:</c> block is applied by the reader to every experiment and is not kept here.)
/// </summary>
public sealed record ExperimentFile(
    Map<string, DatasetSpec> Datasets = default,
    Map<string, ModelSpec> Models = default,
    Seq<ExperimentSpec> Experiments = default);
