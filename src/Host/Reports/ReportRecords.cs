using System.Text.Json;
using LanguageExt;
using NormLab.Core.Reports;
using NormLab.Host.Results;
using static LanguageExt.Prelude;
using ReportProbeRow = NormLab.Core.Reports.ProbeRow;
using ReportSummary = NormLab.Core.Reports.RunSummary;
using ResultsProbeRow = NormLab.Host.Results.ProbeRow;
using ResultsSummary = NormLab.Host.Results.RunSummary;

namespace NormLab.Host.Reports;

/// <summary>
/// The results files' records (Host.Results: what the writers write and their readers parse) as the report's records
/// (Core.Reports: what the pure report builders consume, with Option for absent values). Only a change of shape: the
/// parsing itself happens once, in Host.Results, for the report and <c>--resume</c> alike.
/// </summary>
public static class ReportRecords
{
    public static MetricRow ToReport(this MetricsRow r) =>
        new(r.Step, r.Epoch, r.Split switch
        {
            MetricsSplit.Train => Split.Train,
            MetricsSplit.Val => Split.Val,
            _ => Split.Test,
        }, Optional(r.Loss), Optional(r.Accuracy), r.Time);

    public static ReportProbeRow ToReport(this ResultsProbeRow r) => new(r.Step, r.Probe, r.Layer, r.Stat, r.Value);

    /// <summary>The status as summary.json spells it, since the report compares and prints it as text.</summary>
    public static ReportSummary ToReport(this ResultsSummary s) => new(
        s.Status switch
        {
            RunStatus.Complete => "complete",
            RunStatus.Diverged => "diverged",
            RunStatus.Cancelled => "cancelled",
            _ => "failed",
        },
        Optional(s.DivergedAtStep),
        Optional(s.Message!), // Optional makes a null message None
        Some(s.Steps),
        Some(s.Epochs),
        Optional(s.TestAccuracy),
        Optional(s.TestLoss),
        Optional(s.BestValAccuracy),
        Optional(s.FinalTrainAccuracy),
        Some(s.WallSeconds),
        Optional(s.SecondsPerEpoch),
        Optional(s.ImagesPerSecond),
        Some(s.Params.Total),
        s.BnConvention,
        Some(s.Params.Trainable));

    /// <summary>
    /// Figures stay raw JSON in the manifest (the report owns their meaning); the report reads them as names and skips
    /// anything else. Seeds outside int range cannot name a seed-&lt;n&gt; folder the report reads, so they are skipped too.
    /// </summary>
    public static ExperimentInfo ToReport(this ExperimentManifest m) => new(
        m.Name,
        m.Description,
        m.Dataset,
        m.Kind,
        toHashMap(m.Reported.Select(p => (p.Key, new Reported(Optional(p.Value.TestAccuracy), Optional(p.Value.WallSeconds))))),
        m.Variants.ToSeq(),
        m.Seeds.Where(s => s is >= int.MinValue and <= int.MaxValue).Select(s => (int)s).ToSeq(),
        (m.Figures ?? []).Where(f => f?.GetValueKind() == JsonValueKind.String).Select(f => f!.GetValue<string>()).ToSeq(),
        toHashMap(m.Baselines.Select(p => (p.Key, p.Value))),
        m.Study is { } study ? study.ToSpec() : None);
}
