using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// Everything the page shows for one experiment: its description, the resolved configuration per variant (first
/// seed's config.yaml; seeds differ only in the seed), the results table, the one-sentence BN effect, the figures and
/// the raw files (paths relative to the results folder), and the test-accuracy statistics per variant (95% CI, and against
/// its baseline the difference, its 95% CI and Welch's p-value), and — for an experiment that reproduces a paper — the study:
/// the paper's claim, the computed verdict and the paper-style figures.
/// </summary>
public sealed record ExperimentReport(
    ExperimentInfo Info,
    Seq<(string Variant, string Config)> Configs,
    Seq<ResultRow> Rows,
    string BnEffect,
    Seq<Figure> Figures,
    Seq<string> RawFiles,
    Seq<VariantStatistics> Statistics = default,
    Option<Studies.StudyReport> Study = default);
