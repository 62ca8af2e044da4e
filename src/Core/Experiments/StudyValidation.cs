namespace NormLab.Core.Experiments;

/// <summary>
/// What can be wrong with an experiment's <c>study:</c> before anything trains: an empty paper or claim, an analysis that
/// names a variant the experiment does not declare (with a "did you mean"), an x axis that is not one of the sweep's labels
/// (the labels the run names carry, e.g. <c>batch</c>, <c>lr</c>), a setting without methods, and a <c>landscape</c>
/// analysis whose variants carry no <c>landscape</c> probe.
/// </summary>
public static class StudyValidation
{
    public static Seq<Problem> Problems(StudySpec study, ExperimentSpec e, Seq<SweptVariant> variants, string path)
    {
        var problems = new List<Problem>();
        if (study.Paper.Trim().Length == 0) problems.Add(new Problem(ProblemPath.Join(path, "paper"), "must name the paper (authors, year, title, figure)"));
        if (study.Claim.Trim().Length == 0) problems.Add(new Problem(ProblemPath.Join(path, "claim"), "must state the paper's claim, with its numbers"));
        var analysisPath = ProblemPath.Join(path, "analysis");
        var declared = e.EffectiveVariants.Map(v => v.Name).Strict();
        foreach (var (field, name) in study.Analysis.VariantReferences)
            if (!declared.Contains(name))
                problems.Add(new Problem(ProblemPath.Join(analysisPath, field), Suggestions.Unknown("variant", name, declared)));
        foreach (var label in study.Analysis.SweepLabel)
        {
            var labels = variants.Bind(v => SweepPoint.Parse(v.Name).Coordinates.Map(c => c.Label)).Distinct().ToSeq().Strict();
            if (e.Sweep.IsNone)
                problems.Add(new Problem(analysisPath, $"{study.Analysis.TypeName} reads its x axis from a sweep labelled \"{label}\" — add sweep: to this experiment"));
            else if (!labels.IsEmpty && !labels.Contains(label))
                problems.Add(new Problem(ProblemPath.Join(analysisPath, "x"),
                    $"the sweep has no axis labelled \"{label}\"{Suggestions.DidYouMean(label, labels)} (its labels: {string.Join(", ", labels)})"));
        }
        if (study.Analysis is StudyAnalysis.AccuracyBySetting s)
        {
            if (s.Settings.IsEmpty) problems.Add(new Problem(ProblemPath.Join(analysisPath, "settings"), "must list at least two settings (the first is the reference)"));
            foreach (var setting in s.Settings.Filter(x => x.Methods.IsEmpty))
                problems.Add(new Problem(ProblemPath.Join(ProblemPath.Join(analysisPath, "settings"), setting.Label), "lists no method: give {method: variant, ...}"));
        }
        if (study.Analysis is StudyAnalysis.Landscape l)
            foreach (var v in Seq(l.Bn, l.NoBn).Filter(x => declared.Contains(x)))
            {
                var spec = e.EffectiveVariants.Find(x => x.Name == v);
                var probes = spec.Bind(x => x.Probes).IfNone(e.Probes);
                if (!probes.Exists(p => p is ProbeSpec.Landscape))
                    problems.Add(new Problem(analysisPath, $"variant \"{v}\" has no landscape probe to read — add probes: [{{type: landscape, every: 100}}]"));
            }
        return problems.Distinct().ToSeq().Strict();
    }
}
