using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>The whole report: one section per experiment, and at the top the BN effect of each in one sentence.</summary>
public sealed record ReportModel(Seq<ExperimentReport> Experiments)
{
    public Seq<(string Experiment, string Sentence)> Summary => Experiments.Map(e => (e.Info.Name, e.BnEffect));

    /// <summary>Builds every experiment's section from its parsed results, in the order given.</summary>
    public static ReportModel From(Seq<ExperimentData> experiments) => new(experiments.Map(ExperimentReports.Build));
}
