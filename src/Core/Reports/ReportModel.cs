using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>The whole report: one section per experiment, and at the top the BN effect of each in one sentence.</summary>
public sealed record ReportModel(Seq<ExperimentReport> Experiments)
{
    public Seq<(string Experiment, string Sentence)> Summary => Experiments.Map(e => (e.Info.Name, e.BnEffect));

    /// <summary>The studies index: every experiment that reproduces a paper, with the paper, its claim and our verdict.</summary>
    public Seq<(string Experiment, Studies.StudyReport Study)> Studies =>
        Experiments.Choose(e => e.Study.Map(s => (e.Info.Name, s)));

    /// <summary>Builds every experiment's section from its parsed results, in the order given.</summary>
    public static ReportModel From(Seq<ExperimentData> experiments) => new(experiments.Map(ExperimentReports.Build));
}
