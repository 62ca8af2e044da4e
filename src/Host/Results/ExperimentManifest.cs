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

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
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
