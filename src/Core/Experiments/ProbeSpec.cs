using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// A measurement taken during training every <see cref="Every"/> optimizer steps (and written to probes.csv), on the layer
/// answering to a name (a user name or a generated one such as <c>batch_norm_2</c>, see <see cref="LayerNames"/>).
/// </summary>
public abstract record ProbeSpec(int Every)
{
    /// <summary>The YAML <c>type</c> and probes.csv's <c>probe</c> column.</summary>
    public abstract string TypeName { get; }

    public static Seq<string> TypeNames => Seq("percentiles", "batch_stats", "grad_norm", "landscape");

    /// <summary>
    /// Percentiles of the values of the named layer's OUTPUT over a training batch (Ioffe &amp; Szegedy, figure 1: the 15th,
    /// 50th and 85th percentiles of a sigmoid's input — probe the layer that feeds it, <see cref="Presets.IoffePreActivation"/>).
    /// An empty list means the default [15, 50, 85].
    /// </summary>
    public sealed record Percentiles(string Layer, int Every, Seq<double> Values = default) : ProbeSpec(Every)
    {
        public static Seq<double> DefaultValues => Seq(15.0, 50.0, 85.0);

        public Seq<double> Values { get; init; } = Values.IsEmpty ? DefaultValues : Values;

        public override string TypeName => "percentiles";
    }

    /// <summary>Per-channel mean and (biased) variance of the named layer's output over a training batch.</summary>
    public sealed record BatchStats(string Layer, int Every) : ProbeSpec(Every)
    {
        public override string TypeName => "batch_stats";
    }

    /// <summary>L2 norms of the parameter gradients of the named layer, or of every layer with parameters when None.</summary>
    public sealed record GradNorm(int Every, Option<string> Layer = default) : ProbeSpec(Every)
    {
        public override string TypeName => "grad_norm";
    }

    /// <summary>
    /// The optimization landscape along the gradient (Santurkar, Tsipras, Ilyas &amp; Mądry 2018, Fig. 4), read on the
    /// training batch of a probe step before the optimizer moves: the loss L(θ − η·g) and the gradient there for every step
    /// size η, in training mode (batch statistics), each evaluation starting from the state the step's own forward started
    /// from (its dropout masks, noise draws and running statistics: the objective the step differentiated). Written as the
    /// loss range (max − min over η, with the loss at each η), the gradient predictiveness (max over η of ‖∇L(θ − η·g) − g‖₂) and the effective β-smoothness (max over η of
    /// ‖∇L(θ − η·g) − g‖₂ / ‖η·g‖₂). Every parameter, gradient, buffer and the generator are restored afterwards, so
    /// training goes on exactly as without the probe. An empty list means <see cref="DefaultStepSizes"/>; validation wants
    /// every step size &gt; 0, finite and listed once (each names its rows, <c>loss@η</c>).
    /// </summary>
    public sealed record Landscape(int Every, Seq<double> StepSizes = default) : ProbeSpec(Every)
    {
        public static Seq<double> DefaultStepSizes => Seq(0.025, 0.05, 0.1, 0.2, 0.4);

        public Seq<double> StepSizes { get; init; } = StepSizes.IsEmpty ? DefaultStepSizes : StepSizes;

        public override string TypeName => "landscape";
    }

    /// <summary>The layer probed, if the probe names one.</summary>
    public Option<string> LayerName => this switch
    {
        Percentiles p => Some(p.Layer),
        BatchStats b => Some(b.Layer),
        GradNorm g => g.Layer,
        _ => None,
    };
}
