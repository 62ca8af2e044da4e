using System.Text.Json;
using System.Text.Json.Serialization;

namespace NormLab.Host.Results;

/// <summary>How a run ended (summary.json "status").</summary>
public enum RunStatus
{
    Complete,
    Diverged,
    Cancelled,
    Failed,
}

/// <summary>
/// summary.json "preciseBn": the evaluation with precise BN statistics (re-estimated after training over
/// <see cref="Batches"/> training batches); the summary's own testAccuracy is the convention's running statistics.
/// </summary>
public sealed record PreciseBnResult(int Batches, double? TestAccuracy, double? TestLoss, double? ValAccuracy, double? ValLoss);

/// <summary>Parameter counts as Keras reports them (summary.json "params").</summary>
public sealed record ParamCounts(long Total, long Trainable, long NonTrainable);

/// <summary>
/// summary.json of one run (results contract in HELPERS.md). Metrics a run never reached (a diverged or failed run has no test
/// accuracy) are null; non-finite values are written as null too, since JSON has no NaN.
/// Unknown properties found when reading are kept in <see cref="Extra"/> and written back, so older readers do not lose newer fields.
/// </summary>
public sealed record RunSummary
{
    public required string Experiment { get; init; }
    public required string Variant { get; init; }
    public required long Seed { get; init; }
    public required RunStatus Status { get; init; }
    public long? DivergedAtStep { get; init; }
    public string? Message { get; init; }
    public long Steps { get; init; }
    public double Epochs { get; init; }
    public double? TestAccuracy { get; init; }
    public double? TestLoss { get; init; }
    public double? BestValAccuracy { get; init; }
    public double? FinalTrainAccuracy { get; init; }
    public double WallSeconds { get; init; }
    public double? SecondsPerEpoch { get; init; }
    public double? ImagesPerSecond { get; init; }
    public ParamCounts Params { get; init; } = new(0, 0, 0);

    /// <summary>torch | keras | cumulative | window | none.</summary>
    public string BnConvention { get; init; } = "none";

    /// <summary>The device the run trained on, resolved: cpu | cuda. Null in summaries written before it was recorded.</summary>
    public string? Device { get; init; }

    /// <summary>TorchSharp's version (its informational version when it has one), e.g. 0.107.0.</summary>
    public string? TorchSharpVersion { get; init; }

    /// <summary>libtorch's version (<c>torch.__version__</c>), e.g. 2.10.0+cpu.</summary>
    public string? LibtorchVersion { get; init; }

    /// <summary>With <c>preciseBn</c>: the evaluation with re-estimated statistics (null otherwise, and for runs that did not complete).</summary>
    public PreciseBnResult? PreciseBn { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Reads and writes summary.json: System.Text.Json, camelCase names, enums as camelCase strings, indented.</summary>
public static class SummaryJson
{
    public const string FileName = "summary.json";

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(Sanitize(summary), ResultsJson.Options);

    public static RunSummary Deserialize(string json, string pathForErrors = "summary.json") =>
        ResultsJson.Deserialize<RunSummary>(json, pathForErrors);

    public static void Write(string path, RunSummary summary) => AtomicFile.WriteAllText(path, Serialize(summary) + "\n");

    public static RunSummary Read(string path) => Deserialize(File.ReadAllText(path), path);

    private static RunSummary Sanitize(RunSummary s) => s with
    {
        Epochs = Finite(s.Epochs) ?? 0,
        TestAccuracy = Finite(s.TestAccuracy),
        TestLoss = Finite(s.TestLoss),
        BestValAccuracy = Finite(s.BestValAccuracy),
        FinalTrainAccuracy = Finite(s.FinalTrainAccuracy),
        WallSeconds = Finite(s.WallSeconds) ?? 0,
        SecondsPerEpoch = Finite(s.SecondsPerEpoch),
        ImagesPerSecond = Finite(s.ImagesPerSecond),
        PreciseBn = s.PreciseBn is { } p
            ? p with { TestAccuracy = Finite(p.TestAccuracy), TestLoss = Finite(p.TestLoss), ValAccuracy = Finite(p.ValAccuracy), ValLoss = Finite(p.ValLoss) }
            : null,
    };

    private static double? Finite(double? v) => v is double d && double.IsFinite(d) ? d : null;
}

/// <summary>The JSON settings every results file shares.</summary>
public static class ResultsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null, // variant names are data, not member names: keep them as written
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static T Deserialize<T>(string json, string pathForErrors)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                   ?? throw new ResultsFormatException(pathForErrors, null, "holds null instead of an object");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is long l ? (int)l + 1 : (int?)null;
            throw new ResultsFormatException(pathForErrors, line, e.Message);
        }
    }
}
