using NormLab.Core.Experiments;
using NormLab.Core.Reports;

namespace NormLab.Core.Studies;

/// <summary>The study of an experiment, read by its analysis: the paper-style figures, tables and the computed verdict.</summary>
public static class StudyReports
{
    public static Option<StudyReport> For(ExperimentData e) =>
        e.Info.Study.Map(spec => spec.Analysis switch
        {
            StudyAnalysis.ErrorVsBatch a => ErrorVsBatchStudy.Build(e, spec, a),
            StudyAnalysis.AccuracyVsLearningRate a => LearningRateStudy.Build(e, spec, a),
            StudyAnalysis.StepsToBaseline a => StepsToBaselineStudy.Build(e, spec, a),
            StudyAnalysis.AccuracyBySetting a => SettingStudy.Build(e, spec, a),
            StudyAnalysis.AccuracyVsWidth a => WidthStudy.Build(e, spec, a),
            StudyAnalysis.Landscape a => LandscapeStudy.Build(e, spec, a),
            _ => new StudyReport(spec, StudyVerdict.NotYet($"analysis {spec.Analysis.TypeName} is not known to this version"), Seq<Figure>(), Seq<StudyTable>()),
        });
}
