namespace NormLab.Core.Experiments;

/// <summary>
/// The published result an experiment reproduces (YAML <c>study:</c>): the paper, its claim in its own numbers, and the
/// analysis that turns the runs into the paper's figure and a verdict. The verdict is computed from the runs by
/// <see cref="Studies.StudyVerdicts"/> — never written by hand — so the file states what the paper said and the lab says
/// what the data say.
/// </summary>
/// <param name="Paper">The citation, e.g. <c>Wu &amp; He 2018, "Group Normalization", ECCV, Fig. 1</c>.</param>
/// <param name="Claim">What the paper reports, with its numbers, at its own scale.</param>
public sealed record StudySpec(string Paper, string Claim, StudyAnalysis Analysis);

/// <summary>
/// How a study's runs are read. The family is closed: each case names the variants (and the sweep label) it reads, with
/// defaults that match the shipped <c>studies.yaml</c>; validation checks every name against the experiment's runs.
/// </summary>
public abstract record StudyAnalysis
{
    /// <summary>The YAML <c>analysis.type</c>.</summary>
    public abstract string TypeName { get; }

    public static Seq<string> TypeNames => Seq("error_vs_batch", "accuracy_vs_lr", "steps_to_baseline", "accuracy_by_setting",
        "accuracy_vs_width", "landscape");

    /// <summary>
    /// Wu &amp; He 2018, Fig. 1: test error against the batch size (the sweep label <see cref="X"/>), one line per declared
    /// variant. Verdict: <see cref="Bn"/>'s error at the smallest batch minus at <see cref="Reference"/>, and
    /// <see cref="Gn"/>'s range (max − min of its mean error) over every batch size.
    /// </summary>
    public sealed record ErrorVsBatch(string X = "batch", string Bn = "bn", string Gn = "gn", int Reference = 32) : StudyAnalysis
    {
        public override string TypeName => "error_vs_batch";
    }

    /// <summary>
    /// Bjorck et al. 2018: final test accuracy against the learning rate (the sweep label <see cref="X"/>, log axis), one
    /// line per declared variant, diverged runs marked. Verdict: each variant's best learning rate and accuracy there, and
    /// the largest learning rate at which every seed of it still trained.
    /// </summary>
    public sealed record AccuracyVsLearningRate(string X = "lr", string Bn = "bn", string NoBn = "no-bn") : StudyAnalysis
    {
        public override string TypeName => "accuracy_vs_lr";
    }

    /// <summary>
    /// Ioffe &amp; Szegedy 2015, Table 2: the training steps each variant needs to first reach <see cref="Baseline"/>'s final
    /// test accuracy (mean over seeds of the test curve), and that number as a fraction of the baseline's steps.
    /// </summary>
    public sealed record StepsToBaseline(string Baseline = "baseline") : StudyAnalysis
    {
        public override string TypeName => "steps_to_baseline";
    }

    /// <summary>
    /// Ioffe 2017: final test accuracy per setting (a label) and method (a label), each pair one declared variant. The
    /// first setting is the reference (e.g. i.i.d. batches of 32); the verdict says per other setting how much
    /// <see cref="Bn"/> loses against its reference accuracy and how much of that each other method recovers.
    /// </summary>
    public sealed record AccuracyBySetting(Seq<StudySetting> Settings, string Bn = "bn") : StudyAnalysis
    {
        public override string TypeName => "accuracy_by_setting";
    }

    /// <summary>
    /// Frankle, Schwab &amp; Morcos 2020: final test accuracy against the width (the sweep label <see cref="X"/>, log axis),
    /// one line per declared variant (what trains), with the trainable parameter counts. Verdict: <see cref="BnOnly"/> at
    /// the widest network against chance (<see cref="Chance"/>), against <see cref="OutputOnly"/> and against
    /// <see cref="Full"/>.
    /// </summary>
    public sealed record AccuracyVsWidth(string X = "units", string Full = "all", string BnOnly = "bn-only",
        string OutputOnly = "output-only", double Chance = 0.1) : StudyAnalysis
    {
        public override string TypeName => "accuracy_vs_width";
    }

    /// <summary>
    /// Santurkar et al. 2018, Figs. 2 and 4: training curves of <see cref="Bn"/>, <see cref="Noisy"/> (BN followed by
    /// time-varying noise) and <see cref="NoBn"/>, and the <c>landscape</c> probe's loss range, gradient predictiveness and
    /// effective β-smoothness along training, BN vs no BN.
    /// </summary>
    public sealed record Landscape(string Bn = "bn", string NoBn = "no-bn", string Noisy = "bn-noise") : StudyAnalysis
    {
        public override string TypeName => "landscape";
    }

    /// <summary>The declared variants the analysis reads, each with the YAML field that names it (for validation's paths).</summary>
    public Seq<(string Field, string Variant)> VariantReferences => this switch
    {
        ErrorVsBatch x => Seq(("bn", x.Bn), ("gn", x.Gn)),
        AccuracyVsLearningRate x => Seq(("bn", x.Bn), ("noBn", x.NoBn)),
        StepsToBaseline x => Seq1(("baseline", x.Baseline)),
        AccuracyBySetting x => x.Settings.Bind(s => s.Methods.Map(m => ($"settings.{s.Label}.{m.Method}", m.Variant))),
        AccuracyVsWidth x => Seq(("full", x.Full), ("bnOnly", x.BnOnly), ("outputOnly", x.OutputOnly)),
        Landscape x => Seq(("bn", x.Bn), ("noBn", x.NoBn), ("noisy", x.Noisy)),
        _ => Seq<(string, string)>(),
    };

    /// <summary>The sweep label the analysis takes its x axis from, if it reads one.</summary>
    public Option<string> SweepLabel => this switch
    {
        ErrorVsBatch e => Some(e.X),
        AccuracyVsLearningRate a => Some(a.X),
        AccuracyVsWidth w => Some(w.X),
        _ => None,
    };
}

/// <summary>One setting of <see cref="StudyAnalysis.AccuracyBySetting"/>: its label and, per method label, the variant run there.</summary>
public sealed record StudySetting(string Label, Seq<(string Method, string Variant)> Methods);
