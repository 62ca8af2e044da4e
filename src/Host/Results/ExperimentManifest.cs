using LanguageExt;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NormLab.Host.Results;

/// <summary>A number the source study reported for a variant, to print beside ours (experiment.json "reported").</summary>
public sealed record ReportedResult
{
    public double? TestAccuracy { get; init; }
    public double? WallSeconds { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>
/// results/&lt;experiment&gt;/experiment.json (results contract). <see cref="Figures"/> belongs to the report and is kept as
/// raw JSON so this layer neither constrains nor loses it.
/// </summary>
public sealed record ExperimentManifest
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Dataset { get; init; } = "";
    public string Kind { get; init; } = "";
    public IReadOnlyDictionary<string, ReportedResult> Reported { get; init; } = new Dictionary<string, ReportedResult>();
    public IReadOnlyList<string> Variants { get; init; } = [];
    public IReadOnlyList<long> Seeds { get; init; } = [];
    public JsonArray? Figures { get; init; }

    /// <summary>Each run variant's baseline (with a sweep: the baseline's run at the same point).</summary>
    public IReadOnlyDictionary<string, string> Baselines { get; init; } = new Dictionary<string, string>();

    /// <summary>Test accuracy over seeds per variant with its 95% CI and the comparison with the baseline; written when
    /// the invocation's runs have finished (absent before).</summary>
    public StatisticsJson? Statistics { get; init; }

    /// <summary>The published result the experiment reproduces (YAML <c>study:</c>); null for an experiment without one.</summary>
    public StudyJson? Study { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>experiment.json "statistics": over the complete runs of the invocation (those --resume found complete included).</summary>
public sealed record StatisticsJson
{
    public string Metric { get; init; } = "testAccuracy";
    public double Confidence { get; init; } = Core.SeedStatistics.Confidence;
    public string Interval { get; init; } = "Student t, n - 1 degrees of freedom";
    public string Test { get; init; } = "Welch's two-sided t-test against the baseline, Welch-Satterthwaite degrees of freedom";
    public IReadOnlyList<VariantStatisticsJson> Variants { get; init; } = [];
}

/// <summary>One variant's statistics; fields that need two seeds (std, intervals, the test) are null with fewer.</summary>
public sealed record VariantStatisticsJson
{
    public required string Variant { get; init; }
    public int N { get; init; }
    public double? Mean { get; init; }
    public double? Std { get; init; }
    public double? Ci95Low { get; init; }
    public double? Ci95High { get; init; }
    public string? Baseline { get; init; }
    public double? Difference { get; init; }
    public double? DifferenceCi95Low { get; init; }
    public double? DifferenceCi95High { get; init; }
    public double? T { get; init; }
    public double? Df { get; init; }
    public double? PValue { get; init; }

    public static VariantStatisticsJson Of(Core.VariantStatistics v)
    {
        var summary = v.Summary;
        var comparison = v.VersusBaseline;
        var test = comparison.Bind(c => c.Test);
        return new VariantStatisticsJson
        {
            Variant = v.Variant,
            N = summary.Map(s => s.N).IfNone(0),
            Mean = summary.Map(s => s.Mean).ToNullable(),
            Std = summary.Bind(s => s.Std).ToNullable(),
            Ci95Low = summary.Bind(s => s.Ci95).Map(i => i.Low).ToNullable(),
            Ci95High = summary.Bind(s => s.Ci95).Map(i => i.High).ToNullable(),
            Baseline = v.Baseline.MatchUnsafe(b => b, () => null),
            Difference = comparison.Map(c => c.Difference).ToNullable(),
            DifferenceCi95Low = test.Map(t => t.Ci95.Low).ToNullable(),
            DifferenceCi95High = test.Map(t => t.Ci95.High).ToNullable(),
            T = test.Map(t => t.T).ToNullable(),
            Df = test.Map(t => t.Df).ToNullable(),
            PValue = test.Map(t => t.PValue).ToNullable(),
        };
    }
}

public static class ExperimentJson
{
    public const string FileName = "experiment.json";

    public static string Serialize(ExperimentManifest manifest) => JsonSerializer.Serialize(manifest, ResultsJson.Options);

    public static ExperimentManifest Deserialize(string json, string pathForErrors = "experiment.json") =>
        ResultsJson.Deserialize<ExperimentManifest>(json, pathForErrors);

    public static void Write(string path, ExperimentManifest manifest) => AtomicFile.WriteAllText(path, Serialize(manifest) + "\n");

    public static ExperimentManifest Read(string path) => Deserialize(File.ReadAllText(path), path);
}
