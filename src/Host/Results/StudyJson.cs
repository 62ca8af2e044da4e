using System.Text.Json.Nodes;
using LanguageExt;
using NormLab.Core.Experiments;
using static LanguageExt.Prelude;

namespace NormLab.Host.Results;

/// <summary>
/// experiment.json "study": the paper, its claim and the analysis (<c>{"type": "error_vs_batch", "x": "batch", ...}</c>,
/// the YAML's keys), so <c>./normlab report</c> can draw the paper's figure and compute the verdict from a results folder
/// alone. Reading is lenient in the report's way: an unknown analysis type gives None (the report then shows the claim
/// without a verdict).
/// </summary>
public sealed record StudyJson
{
    public required string Paper { get; init; }
    public required string Claim { get; init; }
    public required JsonObject Analysis { get; init; }

    public static StudyJson Of(StudySpec s) => new() { Paper = s.Paper, Claim = s.Claim, Analysis = AnalysisJson(s.Analysis) };

    static JsonObject AnalysisJson(StudyAnalysis a)
    {
        var o = new JsonObject { ["type"] = a.TypeName };
        switch (a)
        {
            case StudyAnalysis.ErrorVsBatch e:
                o["x"] = e.X; o["bn"] = e.Bn; o["gn"] = e.Gn; o["reference"] = e.Reference;
                break;
            case StudyAnalysis.AccuracyVsLearningRate l:
                o["x"] = l.X; o["bn"] = l.Bn; o["noBn"] = l.NoBn;
                break;
            case StudyAnalysis.StepsToBaseline s:
                o["baseline"] = s.Baseline;
                break;
            case StudyAnalysis.AccuracyBySetting s:
                o["bn"] = s.Bn;
                o["settings"] = new JsonArray(s.Settings.Map(x => (JsonNode)new JsonObject
                {
                    ["label"] = x.Label,
                    ["methods"] = new JsonArray(x.Methods.Map(m => (JsonNode)new JsonObject { ["method"] = m.Method, ["variant"] = m.Variant }).ToArray()),
                }).ToArray());
                break;
            case StudyAnalysis.AccuracyVsWidth w:
                o["x"] = w.X; o["full"] = w.Full; o["bnOnly"] = w.BnOnly; o["outputOnly"] = w.OutputOnly; o["chance"] = w.Chance;
                break;
            case StudyAnalysis.Landscape l:
                o["bn"] = l.Bn; o["noBn"] = l.NoBn; o["noisy"] = l.Noisy;
                break;
        }
        return o;
    }

    /// <summary>The study as Core's record; None for an analysis type this version does not know.</summary>
    public Option<StudySpec> ToSpec() => Parse(Analysis).Map(a => new StudySpec(Paper, Claim, a));

    static Option<StudyAnalysis> Parse(JsonObject o)
    {
        string S(string key, string fallback) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;
        double D(string key, double fallback) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : fallback;
        return S("type", "") switch
        {
            "error_vs_batch" => Some<StudyAnalysis>(new StudyAnalysis.ErrorVsBatch(S("x", "batch"), S("bn", "bn"), S("gn", "gn"), (int)D("reference", 32))),
            "accuracy_vs_lr" => new StudyAnalysis.AccuracyVsLearningRate(S("x", "lr"), S("bn", "bn"), S("noBn", "no-bn")),
            "steps_to_baseline" => new StudyAnalysis.StepsToBaseline(S("baseline", "baseline")),
            "accuracy_by_setting" => new StudyAnalysis.AccuracyBySetting(Settings(o["settings"] as JsonArray), S("bn", "bn")),
            "accuracy_vs_width" => new StudyAnalysis.AccuracyVsWidth(S("x", "units"), S("full", "all"), S("bnOnly", "bn-only"),
                S("outputOnly", "output-only"), D("chance", 0.1)),
            "landscape" => new StudyAnalysis.Landscape(S("bn", "bn"), S("noBn", "no-bn"), S("noisy", "bn-noise")),
            _ => None,
        };
    }

    static Seq<StudySetting> Settings(JsonArray? settings) =>
        (settings ?? []).OfType<JsonObject>().Select(s => new StudySetting(
            s["label"]?.GetValue<string>() ?? "",
            (s["methods"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(m => (m["method"]?.GetValue<string>() ?? "", m["variant"]?.GetValue<string>() ?? "")).ToSeq().Strict()))
            .ToSeq().Strict();
}
