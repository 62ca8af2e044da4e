using LanguageExt;

namespace NormLab.Core.Reports;

// The results-on-disk contract (HELPERS.md, "Shared contract") as plain records: what a reader parses and what the
// report builders consume. Optional files and fields are Option/empty, never null.

/// <summary>Which part of the data a metrics row measures.</summary>
public enum Split { Train, Val, Test }

/// <summary>One row of metrics.csv. Step = optimizer steps done; Epoch = fractional epochs done; Time = wall seconds since the run started.</summary>
public sealed record MetricRow(long Step, double Epoch, Split Split, Option<double> Loss, Option<double> Accuracy, double Time);

/// <summary>One row of probes.csv, e.g. (1000, "percentiles", "hidden3", "p15", -1.234).</summary>
public sealed record ProbeRow(long Step, string Probe, string Layer, string Stat, double Value);

/// <summary>The parts of summary.json a report needs.</summary>
public sealed record RunSummary(
    string Status,
    Option<long> DivergedAtStep,
    Option<string> Message,
    Option<long> Steps,
    Option<double> Epochs,
    Option<double> TestAccuracy,
    Option<double> TestLoss,
    Option<double> BestValAccuracy,
    Option<double> FinalTrainAccuracy,
    Option<double> WallSeconds,
    Option<double> SecondsPerEpoch,
    Option<double> ImagesPerSecond,
    Option<long> TotalParams,
    string BnConvention,
    Option<long> TrainableParams = default);

/// <summary>What a source study reported for one variant (experiment.json "reported").</summary>
public sealed record Reported(Option<double> TestAccuracy, Option<double> WallSeconds);

/// <summary>experiment.json. <see cref="Variants"/> is in YAML order; that order fixes each variant's style index.
/// <see cref="Study"/> is the published result the experiment reproduces, if it names one.</summary>
public sealed record ExperimentInfo(
    string Name,
    string Description,
    string Dataset,
    string Kind,
    HashMap<string, Reported> Reported,
    Seq<string> Variants,
    Seq<int> Seeds,
    Seq<string> Figures,
    HashMap<string, string> Baselines = default,
    Option<Experiments.StudySpec> Study = default);

/// <summary>
/// One run (variant × seed). <see cref="Files"/> are the run's raw files as paths relative to the results folder
/// (forward slashes), for links from the report.
/// </summary>
public sealed record RunData(
    string Variant,
    int Seed,
    Seq<MetricRow> Metrics,
    Seq<ProbeRow> Probes,
    Option<RunSummary> Summary,
    Option<string> ConfigText,
    Seq<string> Files);

/// <summary>One experiment's results: its description and every run found on disk.</summary>
public sealed record ExperimentData(ExperimentInfo Info, Seq<RunData> Runs);
