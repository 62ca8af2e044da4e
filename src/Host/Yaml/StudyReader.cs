using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>
/// An experiment's <c>study:</c> block — the published result it reproduces:
/// <code>
/// study:
///   paper: Wu &amp; He 2018, "Group Normalization", ECCV, Fig. 1
///   claim: ResNet-50 on ImageNet, BN's error 23.6% at 32 images per GPU and 34.7% at 2; GN's ≈ 24.1% at both
///   analysis: {type: error_vs_batch, x: batch, bn: bn, gn: gn, reference: 32}
/// </code>
/// Every analysis key has the default <see cref="StudyAnalysis"/> gives it; which variants exist is Core's question
/// (<see cref="StudyValidation"/>).
/// </summary>
public static class StudyReader
{
    static Seq<string> AnalysisKeys(string type) => type switch
    {
        "error_vs_batch" => Seq("type", "x", "bn", "gn", "reference"),
        "accuracy_vs_lr" => Seq("type", "x", "bn", "noBn"),
        "steps_to_baseline" => Seq("type", "baseline"),
        "accuracy_by_setting" => Seq("type", "settings", "bn"),
        "accuracy_vs_width" => Seq("type", "x", "full", "bnOnly", "outputOnly", "chance"),
        "landscape" => Seq("type", "bn", "noBn", "noisy"),
        _ => Seq1("type"),
    };

    public static StudySpec? Study(YamlReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a study", Seq("paper", "claim", "analysis"));
        if (m is null) return null;
        var before = r.Problems.Count;
        m.Required("paper", " (authors, year, title and figure, e.g. Wu & He 2018, \"Group Normalization\", Fig. 1)");
        m.Required("claim", " (what the paper reports, with its numbers)");
        m.Required("analysis", $" ({{type: ...}}: {string.Join(", ", StudyAnalysis.TypeNames)})");
        var paper = m.Text("paper");
        var claim = m.Text("claim");
        var analysis = m["analysis"] is { } an ? Analysis(r, an, m.PathOf("analysis")) : null;
        if (r.Problems.Count != before || paper is null || claim is null || analysis is null) return null;
        return new StudySpec(paper.Trim(), claim.Trim(), analysis);
    }

    static StudyAnalysis? Analysis(YamlReader r, YamlNode node, string path)
    {
        // analysis: error_vs_batch is the short form of {type: error_vs_batch}.
        var type = node is YamlScalarNode sc ? sc.Value?.Trim()
            : node is YamlMappingNode mm && mm.Children.TryGetValue(new YamlScalarNode("type"), out var t) ? (t as YamlScalarNode)?.Value?.Trim() : null;
        if (node is YamlScalarNode) node = new YamlMappingNode(new YamlScalarNode("type"), new YamlScalarNode(type ?? ""));
        var m = r.Mapping(node, path, type is null ? "an analysis" : $"a {type} analysis", AnalysisKeys(type ?? ""));
        if (m is null) return null;
        if (type is null || !StudyAnalysis.TypeNames.Contains(type))
        {
            r.Error(m.PathOf("type"), type is null
                ? $"is required ({string.Join(", ", StudyAnalysis.TypeNames)})"
                : Suggestions.Unknown("analysis type", type, StudyAnalysis.TypeNames));
            return null;
        }
        var before = r.Problems.Count;
        string Text(string key, string fallback) => m.Text(key)?.Trim() ?? fallback;
        StudyAnalysis? result = type switch
        {
            "error_vs_batch" => new StudyAnalysis.ErrorVsBatch(Text("x", "batch"), Text("bn", "bn"), Text("gn", "gn"), m.Int("reference") ?? 32),
            "accuracy_vs_lr" => new StudyAnalysis.AccuracyVsLearningRate(Text("x", "lr"), Text("bn", "bn"), Text("noBn", "no-bn")),
            "steps_to_baseline" => new StudyAnalysis.StepsToBaseline(Text("baseline", "baseline")),
            "accuracy_by_setting" => Settings(r, m) is { } settings ? new StudyAnalysis.AccuracyBySetting(settings, Text("bn", "bn")) : null,
            "accuracy_vs_width" => new StudyAnalysis.AccuracyVsWidth(Text("x", "units"), Text("full", "all"), Text("bnOnly", "bn-only"),
                Text("outputOnly", "output-only"), m.Double("chance") ?? 0.1),
            _ => new StudyAnalysis.Landscape(Text("bn", "bn"), Text("noBn", "no-bn"), Text("noisy", "bn-noise")),
        };
        if (result is StudyAnalysis.ErrorVsBatch { Reference: <= 0 } e) r.Error(m.PathOf("reference"), $"must be a batch size > 0 (got {Format.Number(e.Reference)})");
        if (result is StudyAnalysis.AccuracyVsWidth { Chance: var c } && !(c >= 0 && c < 1)) r.Error(m.PathOf("chance"), $"must be in [0, 1) (got {Format.Number(c)})");
        return r.Problems.Count == before ? result : null;
    }

    /// <summary><c>settings: {"micro-batch 4": {bn: micro-bn, renorm: micro-renorm}, ...}</c>, in file order.</summary>
    static Seq<StudySetting>? Settings(YamlReader r, MappingView m)
    {
        m.Required("settings", " ({setting label: {method label: variant}, ...}; the first setting is the reference)");
        if (m["settings"] is not { } node) return null;
        var path = m.PathOf("settings");
        r.Mark(path, node);
        if (node is not YamlMappingNode settings)
        {
            r.Error(path, $"expected a mapping of setting labels to {{method: variant}} mappings, got {YamlReader.Describe(node)}");
            return null;
        }
        var result = new List<StudySetting>();
        foreach (var (k, v) in settings.Children)
        {
            var label = (k as YamlScalarNode)?.Value ?? "";
            var at = ProblemPath.Join(path, label);
            r.Mark(at, v);
            if (v is not YamlMappingNode methods)
            {
                r.Error(at, $"expected {{method label: variant}}, e.g. {{bn: micro-bn, renorm: micro-renorm}}, got {YamlReader.Describe(v)}");
                continue;
            }
            var pairs = new List<(string, string)>();
            foreach (var (mk, mv) in methods.Children)
            {
                var method = (mk as YamlScalarNode)?.Value ?? "";
                if (r.Scalar(mv, ProblemPath.Join(at, method), "a variant name") is { } variant) pairs.Add((method, variant.Trim()));
            }
            result.Add(new StudySetting(label, pairs.ToSeq().Strict()));
        }
        if (result.Count < 2) r.Error(path, "must list at least two settings (the first is the reference the others are compared with)");
        return result.ToSeq().Strict();
    }
}
